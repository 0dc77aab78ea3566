import { Migration } from '@mikro-orm/migrations';

/**
 * A definition's policy (contract §10), whether it runs in one transaction (§4), and its lint
 * warnings (§9): stored with it and, like it, never changed.
 */
export class Migration20261130000000_definition_policies extends Migration {
  override up(): void {
    this.addSql(`
      ALTER TABLE business_store_service.tenant_schemas
        ADD COLUMN policy TEXT NOT NULL DEFAULT 'strict' CONSTRAINT tenant_schemas_policy_chk CHECK (policy IN ('strict', 'trusted')),
        ADD COLUMN transactional BOOLEAN NOT NULL DEFAULT true,
        ADD COLUMN warnings JSONB NOT NULL DEFAULT '[]',
        ADD CONSTRAINT tenant_schemas_transactional_chk CHECK (transactional OR policy = 'trusted')`);
  }

  override down(): void {
    this.addSql(`
      ALTER TABLE business_store_service.tenant_schemas
        DROP CONSTRAINT tenant_schemas_transactional_chk,
        DROP COLUMN warnings, DROP COLUMN transactional, DROP COLUMN policy`);
  }
}
