import { Migration } from '@mikro-orm/migrations';
import { loadSources } from '../src/database/sql-source.js';

const S = 'business_store_service';

/**
 * Drift (docs/contract.md §11): the schema description (bss_catalog.describe_schemas), the
 * expected descriptions cached per history of definitions, fleet drift checks with their tenants,
 * and a rollout's on_drift. And install_extension serialized per extension.
 */
export class Migration20261208000000_drift extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE ${S}.drift_expected (
        history_key text PRIMARY KEY,
        description jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    this.addSql(`
      CREATE TABLE ${S}.drift_checks (
        check_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'running' CONSTRAINT drift_checks_status_chk CHECK (status IN ('running', 'completed')),
        total integer NOT NULL,
        in_sync integer NOT NULL DEFAULT 0,
        drifted integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz
      )`);
    this.addSql(`CREATE INDEX drift_checks_created_at_idx ON ${S}.drift_checks (created_at DESC, check_id DESC)`);
    this.addSql(`CREATE INDEX drift_checks_completed_idx ON ${S}.drift_checks (finished_at DESC) WHERE status = 'completed'`);
    this.addSql(`
      CREATE TABLE ${S}.drift_check_tenants (
        check_id uuid NOT NULL REFERENCES ${S}.drift_checks ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'queued' CONSTRAINT drift_check_tenants_status_chk CHECK (status IN ('queued', 'in_sync', 'drifted', 'skipped')),
        current_version integer,
        differences jsonb,
        details text,
        checked_at timestamptz,
        PRIMARY KEY (check_id, tenant_id)
      )`);
    this.addSql(`CREATE INDEX drift_check_tenants_status_idx ON ${S}.drift_check_tenants (check_id, status, tenant_id)`);
    this.addSql(`
      ALTER TABLE ${S}.rollouts ADD COLUMN on_drift text NOT NULL DEFAULT 'ignore'
        CONSTRAINT rollouts_on_drift_chk CHECK (on_drift IN ('ignore', 'skip'))`);
    // install_extension: two attempts installing one extension at once take turns.
    for (const sql of await loadSources(['functions/bss_catalog.describe_schemas.sql', 'functions/business_store_service.install_extension.sql'])) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of await loadSources(['history/Migration20261208000000_drift/business_store_service.install_extension.sql'])) this.addSql(sql);
    this.addSql(`DROP FUNCTION bss_catalog.describe_schemas(name[])`);
    this.addSql(`ALTER TABLE ${S}.rollouts DROP COLUMN on_drift`);
    this.addSql(`DROP TABLE ${S}.drift_check_tenants`);
    this.addSql(`DROP TABLE ${S}.drift_checks`);
    this.addSql(`DROP TABLE ${S}.drift_expected`);
  }
}
