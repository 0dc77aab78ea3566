import { Migration } from '@mikro-orm/migrations';
import { loadSources } from '../src/database/sql-source.js';

const S = 'business_store_service';
const COUNTS = ['queued', 'running', 'success', 'failed', 'skipped'];
const FUNCTIONS = ['business_store_service.rollout_tenants_count', 'business_store_service.rollout_tenants_count_insert'];

/**
 * Each wave of a rollout keeps its tenants' counts, as the rollout does (the same triggers), so
 * that the fleet page (docs/contract.md §12) shows every wave without counting its tenants.
 */
export class Migration20261208100000_wave_counts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE ${S}.rollout_waves ${COUNTS.map((c) => `ADD COLUMN ${c} integer NOT NULL DEFAULT 0`).join(', ')}`);
    this.addSql(`
      UPDATE ${S}.rollout_waves w SET ${COUNTS.map((c) => `${c} = t.${c}`).join(', ')}
      FROM (SELECT rollout_id, wave_index, ${COUNTS.map((c) => `count(*) FILTER (WHERE status = '${c}') AS ${c}`).join(', ')}
            FROM ${S}.rollout_tenants GROUP BY rollout_id, wave_index) t
      WHERE w.rollout_id = t.rollout_id AND w.wave_index = t.wave_index`);
    for (const sql of await loadSources(FUNCTIONS.map((f) => `functions/${f}.sql`))) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of await loadSources(FUNCTIONS.map((f) => `history/Migration20261208100000_wave_counts/${f}.sql`))) this.addSql(sql);
    this.addSql(`ALTER TABLE ${S}.rollout_waves ${COUNTS.map((c) => `DROP COLUMN ${c}`).join(', ')}`);
  }
}
