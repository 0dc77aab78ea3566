import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const MIGRATION_STATUSES = ['pending', 'success', 'failed'] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

/** One attempt to apply a tenant schema version: business_store_service.schema_migrations. */
export const SchemaMigration = defineEntity({
  name: 'SchemaMigration',
  schema: 'business_store_service',
  tableName: 'schema_migrations',
  properties: {
    migrationId: p.uuid().primary(),
    tenantSchemaId: p.uuid(),
    tenantId: p.uuid(),
    versionApplied: p.integer(),
    status: p.string().$type<MigrationStatus>(),
    details: p.text().nullable(),
    appliedBy: p.string().length(255).nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type SchemaMigration = InferEntity<typeof SchemaMigration>;
