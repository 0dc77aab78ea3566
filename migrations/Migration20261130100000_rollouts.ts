import { Migration } from '@mikro-orm/migrations';

/**
 * Rollouts (contract §7): a fleet of tenants brought to one version, watched as one. Their state
 * lives here, beside schema_migrations, which stays exactly the seed's table: rollout_attempts
 * links a rollout to the ordinary attempts it made or followed.
 */
export class Migration20261130100000_rollouts extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE business_store_service.rollouts (
        rollout_id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        status             TEXT NOT NULL DEFAULT 'running'
                             CONSTRAINT rollouts_status_chk CHECK (status IN ('running', 'paused', 'completed', 'cancelled')),
        reason             TEXT NULL,
        target_version     INTEGER NOT NULL CONSTRAINT rollouts_target_version_chk CHECK (target_version > 0),
        applied_by         VARCHAR(255) NULL,
        max_parallel       INTEGER NOT NULL CONSTRAINT rollouts_max_parallel_chk CHECK (max_parallel > 0),
        max_failed         INTEGER NULL CONSTRAINT rollouts_max_failed_chk CHECK (max_failed >= 0),
        max_failed_percent NUMERIC NULL CONSTRAINT rollouts_max_failed_percent_chk CHECK (max_failed_percent >= 0 AND max_failed_percent <= 100),
        -- Counts, kept in the same transactions that change rollout_tenants, so that they always add up.
        total              INTEGER NOT NULL DEFAULT 0,
        queued             INTEGER NOT NULL DEFAULT 0,
        running            INTEGER NOT NULL DEFAULT 0,
        success            INTEGER NOT NULL DEFAULT 0,
        failed             INTEGER NOT NULL DEFAULT 0,
        skipped            INTEGER NOT NULL DEFAULT 0,
        -- At the last resume: failures before it no longer count against the budget.
        failed_forgiven    INTEGER NOT NULL DEFAULT 0,
        ended_forgiven     INTEGER NOT NULL DEFAULT 0,
        created_at         TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
        updated_at         TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
        finished_at        TIMESTAMP WITH TIME ZONE NULL,
        CONSTRAINT rollouts_budget_chk CHECK ((max_failed IS NULL) <> (max_failed_percent IS NULL)),
        CONSTRAINT rollouts_counts_chk CHECK (total = queued + running + success + failed + skipped)
      )`);
    // The list, newest first, by status or not.
    this.addSql(`CREATE INDEX rollouts_created_idx ON business_store_service.rollouts (created_at DESC, rollout_id DESC)`);
    this.addSql(`CREATE INDEX rollouts_status_created_idx ON business_store_service.rollouts (status, created_at DESC, rollout_id DESC)`);
    // The unfinished ones: the sweep, and whether an attempt's end may concern a rollout at all.
    this.addSql(`CREATE INDEX rollouts_unfinished_idx ON business_store_service.rollouts (created_at) WHERE finished_at IS NULL`);

    this.addSql(`
      CREATE TABLE business_store_service.rollout_waves (
        rollout_id UUID NOT NULL REFERENCES business_store_service.rollouts (rollout_id) ON DELETE CASCADE,
        wave_index INTEGER NOT NULL,
        size       INTEGER NOT NULL,
        status     TEXT NOT NULL DEFAULT 'pending' CONSTRAINT rollout_waves_status_chk CHECK (status IN ('pending', 'running', 'done')),
        PRIMARY KEY (rollout_id, wave_index)
      )`);

    // One row per tenant: where it stands in the rollout. attempt_id is the attempt it waits on.
    this.addSql(`
      CREATE TABLE business_store_service.rollout_tenants (
        rollout_id      UUID NOT NULL REFERENCES business_store_service.rollouts (rollout_id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,
        tenant_id       UUID NOT NULL,
        wave_index      INTEGER NOT NULL,
        status          TEXT NOT NULL DEFAULT 'queued'
                          CONSTRAINT rollout_tenants_status_chk CHECK (status IN ('queued', 'running', 'success', 'failed', 'skipped')),
        from_version    INTEGER NULL,
        current_version INTEGER NULL,
        attempt_id      UUID NULL,
        details         TEXT NULL,
        PRIMARY KEY (rollout_id, position),
        CONSTRAINT rollout_tenants_tenant_key UNIQUE (rollout_id, tenant_id)
      )`);
    // A tick reads only the running tenants and the next queued ones of a wave; the list pages by status.
    this.addSql(`CREATE INDEX rollout_tenants_status_idx ON business_store_service.rollout_tenants (rollout_id, status, position)`);

    // The counts follow rollout_tenants in the statement that changes it: one UPDATE of the
    // rollout per statement, from the transition tables, so they add up at every moment.
    this.addSql(`
      CREATE FUNCTION business_store_service.rollout_tenants_count() RETURNS trigger
      LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
      BEGIN
        WITH changes AS (
          SELECT n.rollout_id, n.status, 1 AS sign FROM new_rows n
          UNION ALL
          SELECT o.rollout_id, o.status, -1 FROM old_rows o
        ), delta AS (
          SELECT rollout_id,
                 sum(sign) AS total,
                 sum(sign) FILTER (WHERE status = 'queued') AS queued,
                 sum(sign) FILTER (WHERE status = 'running') AS running,
                 sum(sign) FILTER (WHERE status = 'success') AS success,
                 sum(sign) FILTER (WHERE status = 'failed') AS failed,
                 sum(sign) FILTER (WHERE status = 'skipped') AS skipped
          FROM changes GROUP BY rollout_id
        )
        UPDATE business_store_service.rollouts r
        SET total = r.total + d.total,
            queued = r.queued + COALESCE(d.queued, 0),
            running = r.running + COALESCE(d.running, 0),
            success = r.success + COALESCE(d.success, 0),
            failed = r.failed + COALESCE(d.failed, 0),
            skipped = r.skipped + COALESCE(d.skipped, 0),
            updated_at = clock_timestamp()
        FROM delta d
        WHERE r.rollout_id = d.rollout_id;
        RETURN NULL;
      END $fn$`);
    // old_rows/new_rows must both exist for the one function: INSERT sees an empty old_rows.
    this.addSql(`
      CREATE FUNCTION business_store_service.rollout_tenants_count_insert() RETURNS trigger
      LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
      BEGIN
        UPDATE business_store_service.rollouts r
        SET total = r.total + d.n, queued = r.queued + d.queued, running = r.running + d.running,
            success = r.success + d.success, failed = r.failed + d.failed, skipped = r.skipped + d.skipped,
            updated_at = clock_timestamp()
        FROM (SELECT rollout_id, count(*) AS n,
                     count(*) FILTER (WHERE status = 'queued') AS queued,
                     count(*) FILTER (WHERE status = 'running') AS running,
                     count(*) FILTER (WHERE status = 'success') AS success,
                     count(*) FILTER (WHERE status = 'failed') AS failed,
                     count(*) FILTER (WHERE status = 'skipped') AS skipped
              FROM new_rows GROUP BY rollout_id) d
        WHERE r.rollout_id = d.rollout_id;
        RETURN NULL;
      END $fn$`);
    this.addSql(`
      CREATE TRIGGER rollout_tenants_count_insert
      AFTER INSERT ON business_store_service.rollout_tenants
      REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION business_store_service.rollout_tenants_count_insert()`);
    this.addSql(`
      CREATE TRIGGER rollout_tenants_count_update
      AFTER UPDATE ON business_store_service.rollout_tenants
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION business_store_service.rollout_tenants_count()`);

    // The attempts a rollout made (or followed, when another attempt of that version was already pending).
    this.addSql(`
      CREATE TABLE business_store_service.rollout_attempts (
        rollout_id   UUID NOT NULL REFERENCES business_store_service.rollouts (rollout_id) ON DELETE CASCADE,
        migration_id UUID NOT NULL REFERENCES business_store_service.schema_migrations (migration_id) ON DELETE CASCADE,
        tenant_id    UUID NOT NULL,
        PRIMARY KEY (migration_id, rollout_id)
      )`);
    this.addSql(`CREATE INDEX rollout_attempts_tenant_idx ON business_store_service.rollout_attempts (rollout_id, tenant_id)`);
  }

  override down(): void {
    this.addSql(`DROP TABLE business_store_service.rollout_attempts`);
    this.addSql(`DROP TABLE business_store_service.rollout_tenants`);
    this.addSql(`DROP FUNCTION business_store_service.rollout_tenants_count()`);
    this.addSql(`DROP FUNCTION business_store_service.rollout_tenants_count_insert()`);
    this.addSql(`DROP TABLE business_store_service.rollout_waves`);
    this.addSql(`DROP TABLE business_store_service.rollouts`);
  }
}
