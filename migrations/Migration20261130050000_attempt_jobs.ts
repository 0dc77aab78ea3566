import { Migration } from '@mikro-orm/migrations';

/**
 * The BullMQ job of an attempt that a producer added with plain BullMQ (its job id is not the
 * migration id), so the reconciler checks that job instead of enqueueing a second one.
 * Written in the same statement that records the attempt; purged along with its record.
 */
export class Migration20261130050000_attempt_jobs extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE business_store_service.attempt_jobs (
        migration_id UUID PRIMARY KEY
          REFERENCES business_store_service.schema_migrations (migration_id) ON DELETE CASCADE,
        job_id       TEXT NOT NULL
      )`);
  }

  override down(): void {
    this.addSql(`DROP TABLE business_store_service.attempt_jobs`);
  }
}
