import { Migration } from '@mikro-orm/migrations';

/**
 * At most one pending and one successful attempt per definition, enforced by the
 * database so that concurrent requests and at-least-once job delivery cannot double up.
 */
export class Migration20261124010000_attempt_uniqueness extends Migration {
  override up(): void {
    this.addSql(`
      CREATE UNIQUE INDEX schema_migrations_one_pending_idx
      ON business_store_service.schema_migrations (tenant_schema_id) WHERE status = 'pending'`);
    this.addSql(`
      CREATE UNIQUE INDEX schema_migrations_one_success_idx
      ON business_store_service.schema_migrations (tenant_schema_id) WHERE status = 'success'`);
  }

  override down(): void {
    this.addSql(`DROP INDEX business_store_service.schema_migrations_one_success_idx`);
    this.addSql(`DROP INDEX business_store_service.schema_migrations_one_pending_idx`);
  }
}
