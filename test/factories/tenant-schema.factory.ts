import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface TenantSchemaRow {
  schema_id: string;
  tenant_id: string;
  version: number;
}

/** Stores a definition directly, bypassing the API. */
export async function insertTenantSchema(
  db: pg.Pool,
  values: Partial<{ tenant_id: string; version: number; ddl: string }> = {},
): Promise<TenantSchemaRow> {
  const { rows } = await db.query<TenantSchemaRow>(
    `INSERT INTO business_store_service.tenant_schemas (tenant_id, version, ddl)
     VALUES ($1, $2, $3) RETURNING schema_id, tenant_id, version`,
    [values.tenant_id ?? randomUUID(), values.version ?? 1, values.ddl ?? 'CREATE TABLE t (id int)'],
  );
  return rows[0];
}
