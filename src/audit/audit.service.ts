import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors.js';
import { decodeCursor, encodeCursor } from './history-cursor.js';
import { tenantHistorySql } from './history.sql.js';
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

/** Reads of the schema_migrations audit log. */
@Injectable()
export class AuditService {
  constructor(private readonly em: EntityManager) {}

  async findById(migrationId: string): Promise<SchemaMigration> {
    const record = await this.em.findOne(SchemaMigration, { migrationId });
    if (!record) throw new NotFoundError('migration', migrationId);
    return record;
  }

  /** A tenant's attempts, newest first, a page at a time. */
  async tenantHistory(tenantId: string, query: { limit: number; status?: MigrationStatus; cursor?: string }): Promise<HistoryPage> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const { sql, params } = tenantHistorySql(tenantId, { ...query, cursor });
    const rows = await this.em.getConnection().execute<Record<string, unknown>[]>(sql, params);
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
