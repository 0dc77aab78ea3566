import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { bearer, type TestApp, TOKENS } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

export interface DefinedVersions {
  tenantId: string;
  /** Versions 1..n in order. */
  schemaIds: string[];
}

/** Stores a tenant's versions through the API; returns their schema ids in the same order. */
export async function defineVersions(t: TestApp, ddls: string[], tenantId = randomUUID()): Promise<DefinedVersions> {
  const schemaIds: string[] = [];
  for (const [index, ddl] of ddls.entries()) {
    const res = await t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.writer)).send({ tenant_id: tenantId, version: index + 1, ddl });
    if (res.status !== 201) throw new Error(`defining version ${index + 1} failed: ${JSON.stringify(res.body)}`);
    schemaIds.push((res.body as { schema_id: string }).schema_id);
  }
  return { tenantId, schemaIds };
}

/** The 202 answer to an apply request. */
export interface ApplyAccepted {
  migration_id: string;
  status: string;
}

export async function requestApply(t: TestApp, tenantSchemaId: string, appliedBy?: string): Promise<ApplyAccepted> {
  const res = await t.http().post('/v1/migrations').set(bearer(TOKENS.writer)).send({ tenant_schema_id: tenantSchemaId, applied_by: appliedBy });
  if (res.status !== 202) throw new Error(`apply request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ApplyAccepted;
}

export interface RecordRow {
  migration_id: string;
  status: string;
  details: string | null;
  version_applied: number;
  updated_at: Date;
}

/** Waits until the record has ended, and returns it. */
export function ended(db: pg.Pool, migrationId: string, timeoutMs = 20_000): Promise<RecordRow> {
  return waitFor(
    `migration ${migrationId} to end`,
    async () => {
      const { rows } = await db.query<RecordRow>('SELECT * FROM business_store_service.schema_migrations WHERE migration_id = $1', [migrationId]);
      return rows[0]?.status !== 'pending' ? rows[0] : undefined;
    },
    timeoutMs,
  );
}

export const tenantSchema = (tenantId: string): string => `tenant_${tenantId.replace(/-/g, '')}`;

export async function tablesOf(db: pg.Pool, tenantId: string): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [tenantSchema(tenantId)]);
  return rows.map((r) => r.table_name);
}
