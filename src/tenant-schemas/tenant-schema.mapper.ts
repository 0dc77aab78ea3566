import type { TenantSchema } from './tenant-schema.entity.js';

/** A stored definition at the JSON boundary. */
export function toTenantSchemaJson(schema: TenantSchema) {
  return {
    schema_id: schema.schemaId,
    tenant_id: schema.tenantId,
    version: schema.version,
    ddl: schema.ddl,
    checksum: schema.checksum,
    description: schema.description ?? null,
    policy: schema.policy,
    transactional: schema.transactional,
    warnings: schema.warnings,
    created_at: schema.createdAt.toISOString(),
  };
}
