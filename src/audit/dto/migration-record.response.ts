import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { MIGRATION_STATUSES, type MigrationStatus } from '../schema-migration.entity.js';

/** The seed design's example record (with a UUID tenant_id, as the column is UUID). */
export const MIGRATION_RECORD_EXAMPLE = {
  migration_id: 'f1e2d3c4-b5a6-7890-4321-abcdef123456',
  tenant_schema_id: 'a1b2c3d4-e5f6-7890-1234-567890abcdef',
  tenant_id: '0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  version_applied: 3,
  status: 'success',
  details: "Applied schema version 3. Created table 'payments'. Added column 'due_date' to 'invoices'.",
  applied_by: 'user:admin@example.com',
  created_at: '2024-03-15T10:28:00Z',
  updated_at: '2024-03-15T10:30:05Z',
} as const;

const ex = MIGRATION_RECORD_EXAMPLE;

/** A migration record: exactly the seed's nine fields, everywhere one is returned. */
@ApiSchema({ name: 'MigrationRecord', description: 'One attempt to apply a tenant schema version (business_store_service.schema_migrations)' })
export class MigrationRecordResponse {
  @ApiProperty({ type: String, format: 'uuid', description: 'Id of this attempt', example: ex.migration_id })
  migration_id: string;

  @ApiProperty({ type: String, format: 'uuid', description: 'The tenant schema definition applied', example: ex.tenant_schema_id })
  tenant_schema_id: string;

  @ApiProperty({ type: String, format: 'uuid', description: "The definition's tenant", example: ex.tenant_id })
  tenant_id: string;

  @ApiProperty({ type: 'integer', description: "The definition's version", example: ex.version_applied })
  version_applied: number;

  @ApiProperty({ enum: MIGRATION_STATUSES, enumName: 'MigrationStatus', description: 'Status of a migration attempt: pending until the apply ends, then success or failed', example: ex.status })
  status: MigrationStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'On success a summary of the DDL; on failure the reason (SQLSTATE, message, statement k of n)',
    example: ex.details,
  })
  details: string | null;

  @ApiProperty({ type: String, nullable: true, maxLength: 255, description: 'Who asked for the attempt', example: ex.applied_by })
  applied_by: string | null;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the attempt was recorded (UTC)', example: ex.created_at })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the record last changed (UTC)', example: ex.updated_at })
  updated_at: string;
}

@ApiSchema({ name: 'MigrationRecordPage', description: "A page of a tenant's attempts, newest first" })
export class MigrationRecordPageResponse {
  @ApiProperty({ type: () => MigrationRecordResponse, isArray: true })
  items: MigrationRecordResponse[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Opaque cursor for the next page (pass as `cursor`); null on the last page',
    example: null,
  })
  next_cursor: string | null;
}

@ApiSchema({ name: 'MigrationRecordList', description: 'Attempts, newest first' })
export class MigrationRecordListResponse {
  @ApiProperty({ type: () => MigrationRecordResponse, isArray: true })
  items: MigrationRecordResponse[];
}

@ApiSchema({ name: 'SchemaVersion', description: "A tenant's current schema version: the highest successfully applied" })
export class SchemaVersionResponse {
  @ApiProperty({ type: String, format: 'uuid', example: ex.tenant_id })
  tenant_id: string;

  @ApiProperty({ type: 'integer', description: '0 when nothing is applied', example: 3 })
  current_version: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The successful attempt; null when nothing is applied', example: ex.migration_id })
  migration_id: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it succeeded; null when nothing is applied', example: ex.updated_at })
  applied_at: string | null;
}
