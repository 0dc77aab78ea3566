import type { HistoryCursor } from './history-cursor.js';
import type { MigrationStatus } from './schema-migration.entity.js';

/**
 * A tenant's attempts, newest first: an index scan of schema_migrations_tenant_history_idx
 * with no sort (proved by test/schema.e2e-spec.ts). One extra row tells whether a next page exists.
 * cursor_created_at is exact to the microsecond, unlike a JS Date, so pages never skip or repeat.
 */
export function tenantHistorySql(tenantId: string, page: { limit: number; status?: MigrationStatus; cursor?: HistoryCursor }) {
  const params: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  if (page.status) {
    params.push(page.status);
    where.push(`status = $${params.length}`);
  }
  if (page.cursor) {
    params.push(page.cursor.createdAt, page.cursor.migrationId);
    where.push(`(created_at, migration_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(page.limit + 1);
  const sql = `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at
FROM business_store_service.schema_migrations
WHERE ${where.join(' AND ')}
ORDER BY created_at DESC, migration_id DESC
LIMIT $${params.length}`;
  // Four shapes of query, each prepared once per connection.
  return { name: `tenant_history_${page.status ? 's' : ''}${page.cursor ? 'c' : ''}`, sql, params };
}
