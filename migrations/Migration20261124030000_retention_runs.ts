import { Migration } from '@mikro-orm/migrations';

/** Each real retention purge, so the last run survives restarts (GET /v1/retention). */
export class Migration20261124030000_retention_runs extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE business_store_service.retention_runs (
        run_id      UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
        finished_at TIMESTAMP WITH TIME ZONE NOT NULL,
        cutoff      TIMESTAMP WITH TIME ZONE NULL,
        deleted     BIGINT NOT NULL,
        outcome     TEXT NOT NULL CONSTRAINT retention_runs_outcome_chk CHECK (outcome IN ('success', 'failed')),
        error       TEXT NULL,
        trigger     TEXT NOT NULL CONSTRAINT retention_runs_trigger_chk CHECK (trigger IN ('schedule', 'api'))
      )`);
    this.addSql(`CREATE INDEX retention_runs_started_at_idx ON business_store_service.retention_runs (started_at DESC)`);
  }

  override down(): void {
    this.addSql(`DROP TABLE business_store_service.retention_runs`);
  }
}
