import type { SchemaMigration } from './schema-migration.entity.js';

/** A schema_migrations row as `pg` returns it (snake_case, Date timestamps). */
export interface MigrationRow {
  migration_id: string;
  tenant_schema_id: string;
  tenant_id: string;
  version_applied: number;
  status: SchemaMigration['status'];
  details: string | null;
  applied_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export function recordFromRow(row: MigrationRow): SchemaMigration {
  return {
    migrationId: row.migration_id,
    tenantSchemaId: row.tenant_schema_id,
    tenantId: row.tenant_id,
    versionApplied: row.version_applied,
    status: row.status,
    details: row.details,
    appliedBy: row.applied_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
