import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes.decorator.js';
import { UuidParam } from '../common/uuid.js';
import { ApiErrorResponses, ApiTokenAuth } from '../docs/api-responses.js';
import { AuditService } from './audit.service.js';
import { HistoryQueryDto, StatusQueryDto } from './dto/history-query.dto.js';
import {
  MigrationRecordListResponse,
  MigrationRecordPageResponse,
  MigrationRecordResponse,
  SchemaVersionResponse,
} from './dto/migration-record.response.js';
import { toMigrationRecordJson } from './migration-record.mapper.js';

@ApiTags('audit')
@ApiTokenAuth('read')
@Controller('v1')
@RequireScope('read')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('migrations/:migration_id')
  @ApiOperation({ summary: 'One migration record' })
  @ApiParam({ name: 'migration_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: MigrationRecordResponse })
  @ApiErrorResponses([400, 404])
  async get(@UuidParam('migration_id') migrationId: string) {
    return toMigrationRecordJson(await this.audit.findById(migrationId));
  }

  @Get('tenants/:tenant_id/migrations')
  @ApiOperation({
    summary: "A tenant's migration history, a page at a time",
    description: 'Newest first (`created_at` desc, then `migration_id` desc). Pass `next_cursor` as `cursor` for the next page; it is null on the last page.',
  })
  @ApiParam({ name: 'tenant_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: MigrationRecordPageResponse })
  @ApiErrorResponses([400], { 400: 'tenant_id not a UUID, or a bad limit, status or cursor' })
  async tenantHistory(@UuidParam('tenant_id') tenantId: string, @Query() query: HistoryQueryDto) {
    const page = await this.audit.tenantHistory(tenantId, query);
    return { items: page.items, next_cursor: page.nextCursor };
  }

  @Get('tenant-schemas/:schema_id/migrations')
  @ApiOperation({ summary: 'The attempts to apply one tenant schema definition', description: 'Newest first.' })
  @ApiParam({ name: 'schema_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: MigrationRecordListResponse })
  @ApiErrorResponses([400, 404], { 404: 'Unknown tenant schema definition' })
  async forTenantSchema(@UuidParam('schema_id') schemaId: string, @Query() query: StatusQueryDto) {
    return { items: (await this.audit.forTenantSchema(schemaId, query.status)).map(toMigrationRecordJson) };
  }

  @Get('tenants/:tenant_id/schema-version')
  @ApiOperation({ summary: "A tenant's current schema version", description: 'The highest version applied successfully; `current_version` 0 and nulls when nothing is applied.' })
  @ApiParam({ name: 'tenant_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: SchemaVersionResponse })
  @ApiErrorResponses([400])
  async schemaVersion(@UuidParam('tenant_id') tenantId: string) {
    const version = await this.audit.schemaVersion(tenantId);
    return {
      tenant_id: tenantId,
      current_version: version.currentVersion,
      migration_id: version.migrationId,
      applied_at: version.appliedAt?.toISOString() ?? null,
    };
  }
}
