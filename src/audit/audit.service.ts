import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors.js';
import { AttemptsRepository, type HistoryRow } from './attempts.repository.js';
import { decodeCursor, encodeCursor } from './history-cursor.js';
import { recordFromRow } from './migration-record.row.js';
import type { MigrationRecordJson } from './migration-record.mapper.js';
import type { MigrationStatus, SchemaMigration } from './schema-migration.entity.js';

export interface HistoryPage {
  items: MigrationRecordJson[];
  nextCursor: string | null;
}

export interface SchemaVersion {
  currentVersion: number;
  migrationId: string | null;
  appliedAt: Date | null;
}

/** Reads of the audit log for the API (the hot path): an attempt, a tenant's history, a definition's attempts, a tenant's version. */
@Injectable()
export class AuditService {
  constructor(private readonly attempts: AttemptsRepository) {}

  async findById(migrationId: string): Promise<SchemaMigration> {
    const row = await this.attempts.findRow(migrationId);
    if (!row) throw new NotFoundError('migration', migrationId);
    return recordFromRow(row);
  }

  /** A tenant's attempts, newest first, a page at a time. */
  async tenantHistory(tenantId: string, query: { limit: number; status?: MigrationStatus; cursor?: string }): Promise<HistoryPage> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.attempts.history(tenantId, { ...query, cursor });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(historyItem),
      nextCursor: rows.length > query.limit ? encodeCursor({ createdAt: last.cursor_created_at, migrationId: last.migration_id }) : null,
    };
  }

  /** Every attempt at one definition, newest first; 404 when the definition does not exist. */
  async forTenantSchema(schemaId: string, status?: MigrationStatus): Promise<SchemaMigration[]> {
    const rows = await this.attempts.forDefinition(schemaId, status);
    if (!rows) throw new NotFoundError('tenant schema', schemaId);
    return rows.map(recordFromRow);
  }

  /** Versions apply in order, so the highest successful attempt is the current version. */
  async schemaVersion(tenantId: string): Promise<SchemaVersion> {
    const row = await this.attempts.latestSuccess(tenantId);
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
