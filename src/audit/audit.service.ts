import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { NotFoundError } from '../common/domain-errors.js';
import { PG_POOL } from '../database/pg-pool.js';
import { decodeCursor, encodeCursor } from './history-cursor.js';
import { tenantHistorySql } from './history.sql.js';
import { type MigrationRow, recordFromRow } from './migration-record.row.js';
import type { MigrationRecordJson } from './migration-record.mapper.js';
import type { MigrationStatus, SchemaMigration } from './schema-migration.entity.js';

export interface HistoryPage {
  items: MigrationRecordJson[];
  nextCursor: string | null;
}

/** A history row: the record's fields with its timestamps already in the API's format. */
type HistoryRow = Omit<MigrationRow, 'created_at' | 'updated_at'> & { created_at_iso: string; updated_at_iso: string; cursor_created_at: string };

export interface SchemaVersion {
  currentVersion: number;
  migrationId: string | null;
  appliedAt: Date | null;
}

/** Reads of the schema_migrations audit log: plain SQL on `pg`, the hot path of the API. */
@Injectable()
export class AuditService {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async findById(migrationId: string): Promise<SchemaMigration> {
    const { rows } = await this.pool.query<MigrationRow>({
      name: 'migration_by_id',
      text: 'SELECT * FROM business_store_service.schema_migrations WHERE migration_id = $1',
      values: [migrationId],
    });
    if (!rows[0]) throw new NotFoundError('migration', migrationId);
    return recordFromRow(rows[0]);
  }

  /** A tenant's attempts, newest first, a page at a time. */
  async tenantHistory(tenantId: string, query: { limit: number; status?: MigrationStatus; cursor?: string }): Promise<HistoryPage> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const { name, sql, params } = tenantHistorySql(tenantId, { ...query, cursor });
    const { rows } = await this.pool.query<HistoryRow>({ name, text: sql, values: params });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(historyItem),
      nextCursor: rows.length > query.limit ? encodeCursor({ createdAt: last.cursor_created_at, migrationId: last.migration_id }) : null,
    };
  }

  /** Every attempt at one definition, newest first; 404 when the definition does not exist. */
  async forTenantSchema(schemaId: string, status?: MigrationStatus): Promise<SchemaMigration[]> {
    const { rows } = await this.pool.query<MigrationRow>(
      `SELECT m.*
       FROM business_store_service.tenant_schemas s
       LEFT JOIN business_store_service.schema_migrations m
         ON m.tenant_schema_id = s.schema_id AND ($2::text IS NULL OR m.status = $2)
       WHERE s.schema_id = $1
       ORDER BY m.created_at DESC, m.migration_id DESC`,
      [schemaId, status ?? null],
    );
    if (rows.length === 0) throw new NotFoundError('tenant schema', schemaId);
    return rows.filter((row) => row.migration_id !== null).map(recordFromRow);
  }

  /** Versions apply in order, so the highest successful attempt is the current version. */
  async schemaVersion(tenantId: string): Promise<SchemaVersion> {
    const { rows } = await this.pool.query<{ migration_id: string; version_applied: number; updated_at: Date }>(
      `SELECT migration_id, version_applied, updated_at
       FROM business_store_service.schema_migrations
       WHERE tenant_id = $1 AND status = 'success'
       ORDER BY version_applied DESC
       LIMIT 1`,
      [tenantId],
    );
    const row = rows[0];
    return row
      ? { currentVersion: row.version_applied, migrationId: row.migration_id, appliedAt: row.updated_at }
      : { currentVersion: 0, migrationId: null, appliedAt: null };
  }
}

function historyItem(row: HistoryRow): MigrationRecordJson {
  return {
    migration_id: row.migration_id,
    tenant_schema_id: row.tenant_schema_id,
    tenant_id: row.tenant_id,
    version_applied: row.version_applied,
    status: row.status,
    details: row.details,
    applied_by: row.applied_by,
    created_at: row.created_at_iso,
    updated_at: row.updated_at_iso,
  };
}
