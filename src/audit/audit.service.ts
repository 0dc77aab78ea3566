import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors.js';
import { decodeCursor, encodeCursor } from './history-cursor.js';
import { type MigrationStatus, SchemaMigration } from './schema-migration.entity.js';

export interface HistoryPage {
  items: SchemaMigration[];
  nextCursor: string | null;
}

export interface SchemaVersion {
  currentVersion: number;
  migrationId: string | null;
  appliedAt: Date | null;
}

/** Exact to the microsecond, unlike a JS Date, so pages never skip or repeat a record. */
const CURSOR_CREATED_AT = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at`;

/** Reads of the schema_migrations audit log. */
@Injectable()
export class AuditService {
  constructor(private readonly em: EntityManager) {}

  async findById(migrationId: string): Promise<SchemaMigration> {
    const record = await this.em.findOne(SchemaMigration, { migrationId });
    if (!record) throw new NotFoundError('migration', migrationId);
    return record;
  }

  /** A tenant's attempts, newest first; served by schema_migrations_tenant_history_idx with no sort. */
  async tenantHistory(tenantId: string, query: { limit: number; status?: MigrationStatus; cursor?: string }): Promise<HistoryPage> {
    const params: unknown[] = [tenantId];
    let where = 'tenant_id = ?';
    if (query.status) {
      where += ' AND status = ?';
      params.push(query.status);
    }
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      where += ' AND (created_at, migration_id) < (?::timestamptz, ?::uuid)';
      params.push(cursor.createdAt, cursor.migrationId);
    }
    params.push(query.limit + 1);
    const rows = await this.em.getConnection().execute<Record<string, unknown>[]>(
      `SELECT *, ${CURSOR_CREATED_AT}
       FROM business_store_service.schema_migrations
       WHERE ${where}
       ORDER BY created_at DESC, migration_id DESC
       LIMIT ?`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => this.em.map(SchemaMigration, row)),
      nextCursor:
        rows.length > query.limit
          ? encodeCursor({ createdAt: String(last.cursor_created_at), migrationId: String(last.migration_id) })
          : null,
    };
  }

  /** Every attempt at one definition, newest first; 404 when the definition does not exist. */
  async forTenantSchema(schemaId: string, status?: MigrationStatus): Promise<SchemaMigration[]> {
    const rows = await this.em.getConnection().execute<Record<string, unknown>[]>(
      `SELECT m.*
       FROM business_store_service.tenant_schemas s
       LEFT JOIN business_store_service.schema_migrations m
         ON m.tenant_schema_id = s.schema_id ${status ? 'AND m.status = ?' : ''}
       WHERE s.schema_id = ?
       ORDER BY m.created_at DESC, m.migration_id DESC`,
      status ? [status, schemaId] : [schemaId],
    );
    if (rows.length === 0) throw new NotFoundError('tenant schema', schemaId);
    return rows.filter((row) => row.migration_id !== null).map((row) => this.em.map(SchemaMigration, row));
  }

  /** Versions apply in order, so the highest successful attempt is the current version. */
  async schemaVersion(tenantId: string): Promise<SchemaVersion> {
    const [row] = await this.em.getConnection().execute<{ migration_id: string; version_applied: number; updated_at: Date }[]>(
      `SELECT migration_id, version_applied, updated_at
       FROM business_store_service.schema_migrations
       WHERE tenant_id = ? AND status = 'success'
       ORDER BY version_applied DESC
       LIMIT 1`,
      [tenantId],
    );
    return row
      ? { currentVersion: row.version_applied, migrationId: row.migration_id, appliedAt: new Date(row.updated_at) }
      : { currentVersion: 0, migrationId: null, appliedAt: null };
  }
}
