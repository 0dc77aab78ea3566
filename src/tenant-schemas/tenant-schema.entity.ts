import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { DefinitionPolicy } from '../ddl/allow-list.js';
import type { LintWarning } from '../ddl/lint.js';

/** A versioned DDL definition for one tenant; immutable once stored. */
export const TenantSchema = defineEntity({
  name: 'TenantSchema',
  schema: 'business_store_service',
  tableName: 'tenant_schemas',
  properties: {
    schemaId: p.uuid().primary(),
    tenantId: p.uuid(),
    version: p.integer(),
    ddl: p.text(),
    checksum: p.string().length(64),
    description: p.text().nullable(),
    policy: p.string().$type<DefinitionPolicy>(),
    transactional: p.boolean(),
    warnings: p.json<LintWarning[]>(),
    createdAt: p.datetime(),
  },
});

export type TenantSchema = InferEntity<typeof TenantSchema>;
