import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes.decorator.js';
import { UuidParam } from '../common/uuid.js';
import { ApiErrorResponses, ApiTokenAuth } from '../docs/api-responses.js';
import { tenantIdsOf } from '../common/tenant-ids.js';
import { DriftChecks } from './drift-checks.service.js';
import { decodeCheckCursor, encodeCheckCursor, toCheckTenantJson, toDriftCheckJson } from './drift.mapper.js';
import { DriftService } from './drift.service.js';
import { CreateDriftCheckDto, DriftCheckResponse, DriftCheckTenantPageResponse, DriftCheckTenantsQueryDto, TenantDriftResponse } from './dto/drift.dto.js';

/** Drift (docs/contract.md §11): one tenant now, or the fleet as a job. */
@ApiTags('drift')
@Controller('v1')
export class DriftController {
  constructor(
    private readonly drift: DriftService,
    private readonly checks: DriftChecks,
  ) {}

  @Get('tenants/:tenant_id/drift')
  @RequireScope('read')
  @ApiTokenAuth('read')
  @ApiOperation({ summary: "Whether a tenant's schema is what its applied versions made it", description: 'Compares its schema with its versions replayed into a scratch schema (cached per history of definitions).' })
  @ApiParam({ name: 'tenant_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: TenantDriftResponse })
  @ApiErrorResponses([400, 404, 409], { 409: 'The tenant has an attempt in progress, or its versions cannot be replayed' })
  async tenant(@UuidParam('tenant_id') tenantId: string) {
    const drift = await this.drift.ofTenant(tenantId);
    return { tenant_id: drift.tenant_id, current_version: drift.current_version, status: drift.status, checked_at: new Date().toISOString(), differences: drift.differences };
  }

  @Post('drift-checks')
  @RequireScope('write')
  @ApiTokenAuth('write')
  @ApiOperation({ summary: 'Check the fleet (or the tenants named) for drift, as a job on queue `drift`' })
  @ApiBody({ type: CreateDriftCheckDto, required: false })
  @ApiCreatedResponse({ type: DriftCheckResponse })
  @ApiErrorResponses([400, 413])
  async create(@Body() dto: CreateDriftCheckDto) {
    return toDriftCheckJson(await this.checks.create(tenantIdsOf(dto?.tenant_ids)));
  }

  @Get('drift-checks/:check_id')
  @RequireScope('read')
  @ApiTokenAuth('read')
  @ApiOperation({ summary: 'A drift check and its counts' })
  @ApiParam({ name: 'check_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: DriftCheckResponse })
  @ApiErrorResponses([400, 404])
  async get(@UuidParam('check_id') checkId: string) {
    return toDriftCheckJson(await this.checks.find(checkId));
  }

  @Get('drift-checks/:check_id/tenants')
  @RequireScope('read')
  @ApiTokenAuth('read')
  @ApiOperation({ summary: "A check's tenants with their status and differences, by tenant id" })
  @ApiParam({ name: 'check_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: DriftCheckTenantPageResponse })
  @ApiErrorResponses([400, 404])
  async tenants(@UuidParam('check_id') checkId: string, @Query() query: DriftCheckTenantsQueryDto) {
    const page = await this.checks.tenants(checkId, { status: query.status, after: query.cursor ? decodeCheckCursor(query.cursor) : undefined, limit: query.limit });
    return { items: page.items.map(toCheckTenantJson), next_cursor: page.next ? encodeCheckCursor(page.next) : null };
  }
}
