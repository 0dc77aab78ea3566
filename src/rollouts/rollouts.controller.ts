import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes.decorator.js';
import { UuidParam } from '../common/uuid.js';
import { ApiErrorResponses, ApiTokenAuth } from '../docs/api-responses.js';
import { tenantIdsOf } from '../common/tenant-ids.js';
import { CreateRolloutDto, failureBudgetOf, wavesOf } from './dto/create-rollout.dto.js';
import { RolloutListQueryDto, RolloutTenantsQueryDto } from './dto/rollout-query.dto.js';
import { RolloutPageResponse, RolloutResponse, RolloutTenantPageResponse } from './dto/rollout.response.js';
import { decodeTenantCursor, encodeTenantCursor } from './rollout-cursor.js';
import { toRolloutJson } from './rollout.mapper.js';
import { type RolloutAction, RolloutJobs } from './rollout-jobs.service.js';
import { RolloutsService, type TenantItem } from './rollouts.service.js';

const ACTIONS = {
  pause: 'Pause: start nothing new; running attempts finish',
  resume: 'Resume a paused rollout; earlier failures no longer count against the budget',
  cancel: 'Cancel: start nothing new; the rollout ends once running attempts finish',
  'retry-failed': 'Make the failed tenants queued again (a completed rollout runs again)',
} as const;

/** A rollout's tenant as the API shows it: without its position, which only the cursor carries. */
function tenantJson({ tenant_id, status, from_version, current_version, details, migration_ids }: TenantItem): Omit<TenantItem, 'position'> {
  return { tenant_id, status, from_version, current_version, details, migration_ids };
}

@ApiTags('rollouts')
@Controller('v1/rollouts')
export class RolloutsController {
  constructor(
    private readonly rollouts: RolloutsService,
    private readonly jobs: RolloutJobs,
  ) {}

  @Post()
  @RequireScope('write')
  @ApiTokenAuth('write')
  @ApiOperation({ summary: 'Start a rollout', description: 'Brings the tenants (or every tenant below the target) to `target_version`, version by version, in waves, within a failure budget.' })
  @ApiBody({ type: CreateRolloutDto })
  @ApiCreatedResponse({ type: RolloutResponse })
  @ApiErrorResponses([400, 413])
  async create(@Body() dto: CreateRolloutDto) {
    const rollout = await this.jobs.create({
      targetVersion: dto.target_version,
      tenantIds: tenantIdsOf(dto.tenant_ids),
      waves: wavesOf(dto.waves),
      maxParallel: dto.max_parallel,
      failureBudget: failureBudgetOf(dto.failure_budget),
      appliedBy: dto.applied_by,
      dryRunFirst: dto.dry_run_first ?? false,
      onDrift: dto.on_drift,
    });
    return toRolloutJson(rollout.row, rollout.waves);
  }

  @Get()
  @RequireScope('read')
  @ApiTokenAuth('read')
  @ApiOperation({ summary: 'Rollouts, newest first' })
  @ApiOkResponse({ type: RolloutPageResponse })
  @ApiErrorResponses([400])
  async list(@Query() query: RolloutListQueryDto) {
    const page = await this.rollouts.list(query);
    return { items: page.items.map((r) => toRolloutJson(r.row, r.waves)), next_cursor: page.nextCursor };
  }

  @Get(':rollout_id')
  @RequireScope('read')
  @ApiTokenAuth('read')
  @ApiOperation({ summary: 'One rollout: status, waves and counts' })
  @ApiParam({ name: 'rollout_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: RolloutResponse })
  @ApiErrorResponses([400, 404])
  async get(@UuidParam('rollout_id') rolloutId: string) {
    const rollout = await this.rollouts.find(rolloutId);
    return toRolloutJson(rollout.row, rollout.waves);
  }

  @Get(':rollout_id/tenants')
  @RequireScope('read')
  @ApiTokenAuth('read')
  @ApiOperation({ summary: "A rollout's tenants in rollout order, by status or not" })
  @ApiParam({ name: 'rollout_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: RolloutTenantPageResponse })
  @ApiErrorResponses([400, 404])
  async tenants(@UuidParam('rollout_id') rolloutId: string, @Query() query: RolloutTenantsQueryDto) {
    const after = query.cursor ? decodeTenantCursor(query.cursor) : 0;
    const page = await this.rollouts.tenants(rolloutId, { status: query.status, after, limit: query.limit });
    return {
      items: page.items.map(tenantJson),
      next_cursor: page.nextPosition === null ? null : encodeTenantCursor(page.nextPosition),
    };
  }

  @Post(':rollout_id/pause')
  @HttpCode(HttpStatus.OK)
  @RequireScope('write')
  @ApiTokenAuth('write')
  @ApiOperation({ summary: ACTIONS.pause })
  @ApiParam({ name: 'rollout_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: RolloutResponse })
  @ApiErrorResponses([400, 404, 409], { 409: 'The rollout is not running' })
  pause(@UuidParam('rollout_id') rolloutId: string) {
    return this.act('pause', rolloutId);
  }

  @Post(':rollout_id/resume')
  @HttpCode(HttpStatus.OK)
  @RequireScope('write')
  @ApiTokenAuth('write')
  @ApiOperation({ summary: ACTIONS.resume })
  @ApiParam({ name: 'rollout_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: RolloutResponse })
  @ApiErrorResponses([400, 404, 409], { 409: 'The rollout is not paused' })
  resume(@UuidParam('rollout_id') rolloutId: string) {
    return this.act('resume', rolloutId);
  }

  @Post(':rollout_id/cancel')
  @HttpCode(HttpStatus.OK)
  @RequireScope('write')
  @ApiTokenAuth('write')
  @ApiOperation({ summary: ACTIONS.cancel })
  @ApiParam({ name: 'rollout_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: RolloutResponse })
  @ApiErrorResponses([400, 404, 409], { 409: 'The rollout is completed or cancelled' })
  cancel(@UuidParam('rollout_id') rolloutId: string) {
    return this.act('cancel', rolloutId);
  }

  @Post(':rollout_id/retry-failed')
  @HttpCode(HttpStatus.OK)
  @RequireScope('write')
  @ApiTokenAuth('write')
  @ApiOperation({ summary: ACTIONS['retry-failed'] })
  @ApiParam({ name: 'rollout_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: RolloutResponse })
  @ApiErrorResponses([400, 404, 409], { 409: 'The rollout is cancelled, or has no failed tenant' })
  retryFailed(@UuidParam('rollout_id') rolloutId: string) {
    return this.act('retry-failed', rolloutId);
  }

  private async act(action: RolloutAction, rolloutId: string) {
    const rollout = await this.jobs.act(action, rolloutId);
    return toRolloutJson(rollout.row, rollout.waves);
  }
}
