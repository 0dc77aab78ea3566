import type pg from 'pg';
import type { TenantSchemaRow } from './tenant-schema.factory.js';

export interface MigrationRow {
  migration_id: string;
  created_at: Date;
  status: string;
}

/** Records an attempt directly, with a chosen status and created_at. */
export async function insertMigrationRecord(
  db: pg.Pool,
  schema: TenantSchemaRow,
  values: Partial<{ status: string; details: string; applied_by: string; created_at: string | Date }> = {},
): Promise<MigrationRow> {
  const { rows } = await db.query<MigrationRow>(
    `INSERT INTO business_store_service.schema_migrations
       (tenant_schema_id, tenant_id, version_applied, status, details, applied_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::timestamptz, CURRENT_TIMESTAMP))
     RETURNING migration_id, created_at, status`,
    [schema.schema_id, schema.tenant_id, schema.version, values.status ?? 'pending', values.details ?? null, values.applied_by ?? null, values.created_at ?? null],
  );
  return rows[0];
}
