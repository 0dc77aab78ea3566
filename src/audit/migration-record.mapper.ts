import type { SchemaMigration } from './schema-migration.entity.js';

/** A migration record at the JSON boundary: exactly the seed's nine fields. */
export function toMigrationRecordJson(record: SchemaMigration) {
  return {
    migration_id: record.migrationId,
    tenant_schema_id: record.tenantSchemaId,
    tenant_id: record.tenantId,
    version_applied: record.versionApplied,
    status: record.status,
    details: record.details ?? null,
    applied_by: record.appliedBy ?? null,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

export type MigrationRecordJson = ReturnType<typeof toMigrationRecordJson>;
