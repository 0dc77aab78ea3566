import { Controller, Get, Query } from '@nestjs/common';
import { RequireScope } from '../auth/scopes.decorator.js';
import { UuidParam } from '../common/uuid.js';
import { AuditService } from './audit.service.js';
import { HistoryQueryDto, StatusQueryDto } from './dto/history-query.dto.js';
import { toMigrationRecordJson } from './migration-record.mapper.js';

@Controller('v1')
@RequireScope('read')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('migrations/:migration_id')
  async get(@UuidParam('migration_id') migrationId: string) {
    return toMigrationRecordJson(await this.audit.findById(migrationId));
  }

  @Get('tenants/:tenant_id/migrations')
  async tenantHistory(@UuidParam('tenant_id') tenantId: string, @Query() query: HistoryQueryDto) {
    const page = await this.audit.tenantHistory(tenantId, query);
    return { items: page.items.map(toMigrationRecordJson), next_cursor: page.nextCursor };
  }

  @Get('tenant-schemas/:schema_id/migrations')
  async forTenantSchema(@UuidParam('schema_id') schemaId: string, @Query() query: StatusQueryDto) {
    return { items: (await this.audit.forTenantSchema(schemaId, query.status)).map(toMigrationRecordJson) };
  }

  @Get('tenants/:tenant_id/schema-version')
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
