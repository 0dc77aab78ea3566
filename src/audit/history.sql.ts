import type { HistoryCursor } from './history-cursor.js';
import type { MigrationStatus } from './schema-migration.entity.js';

/**
 * A tenant's attempts, newest first: an index scan of schema_migrations_tenant_history_idx
 * with no sort (proved by test/schema.e2e-spec.ts). One extra row tells whether a next page exists.
 * cursor_created_at is exact to the microsecond, unlike a JS Date, so pages never skip or repeat.
 */
export function tenantHistorySql(tenantId: string, page: { limit: number; status?: MigrationStatus; cursor?: HistoryCursor }) {
  const params: unknown[] = [tenantId];
  let where = 'tenant_id = ?';
  if (page.status) {
    where += ' AND status = ?';
    params.push(page.status);
  }
  if (page.cursor) {
    where += ' AND (created_at, migration_id) < (?::timestamptz, ?::uuid)';
    params.push(page.cursor.createdAt, page.cursor.migrationId);
  }
  params.push(page.limit + 1);
  const sql = `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at
FROM business_store_service.schema_migrations
WHERE ${where}
ORDER BY created_at DESC, migration_id DESC
LIMIT ?`;
  return { sql, params };
}
