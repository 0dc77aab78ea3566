import { Migration } from '@mikro-orm/migrations';
import { loadSources } from '../src/database/sql-source.js';

const G = 'bss_gate';
const S = 'business_store_service';
const LOADED = [
  `${G}.check_session`, `${G}.finish_attempt`, `${G}.statement_done`,
  `${S}.claim_attempt`, `${S}.close_apply_session`, `${S}.end_attempt`, `${S}.enter_tenant`, `${S}.finish_attempt`,
  `${S}.install_extension`, `${S}.is_apply_session`, `${S}.leave_tenant`, `${S}.lend_tenant`, `${S}.open_apply_session`,
  `${S}.provision_tenant`, `${S}.purge_schema_migrations`, `${S}.purgeable_schema_migrations`, `${S}.reclaim_tenant`,
  `${S}.release_tenant`, `${S}.rollout_tenants_count`, `${S}.rollout_tenants_count_insert`,
  `${S}.schema_migrations_append_only`, `${S}.schema_migrations_no_truncate`, `${S}.tenant_lock_key`, `${S}.tenant_schemas_guard`,
].map((name) => `functions/${name}.sql`);

/**
 * Every function of the service's database has its current text in db/functions/ (one file a
 * function, with its owner and privileges; docs/database.md): this loads them all, so that the
 * database holds exactly those texts (test/database-source.e2e-spec.ts). Until now the migrations
 * that created or replaced a function held its text. The functions do the same; their texts lose
 * the migrations' indentation and gain comments, and name their SQLSTATEs (src/database/sqlstates.ts).
 */
export class Migration20261207100000_functions_as_source extends Migration {
  override async up(): Promise<void> {
    for (const sql of await loadSources(LOADED)) this.addSql(sql);
  }

  /** Nothing to undo: the earlier migrations' downs drop these functions, whatever their text. */
  override down(): void {}
}
