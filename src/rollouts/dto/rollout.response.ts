import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ROLLOUT_STATUSES, ROLLOUT_TENANT_STATUSES } from '../rollout.mapper.js';

@ApiSchema({ name: 'RolloutWave' })
export class RolloutWaveResponse {
  @ApiProperty({ type: 'integer', example: 0 }) index: number;
  @ApiProperty({ type: 'integer', example: 10 }) size: number;
  @ApiProperty({ type: String, enum: ['pending', 'running', 'done'] }) status: string;
}

@ApiSchema({ name: 'RolloutCounts', description: '`total` is the sum of the others' })
export class RolloutCountsResponse {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) queued: number;
  @ApiProperty({ type: 'integer' }) running: number;
  @ApiProperty({ type: 'integer' }) success: number;
  @ApiProperty({ type: 'integer' }) failed: number;
  @ApiProperty({ type: 'integer' }) skipped: number;
}

@ApiSchema({ name: 'Rollout', description: 'Many tenants brought to one version, watched as one (docs/contract.md §7)' })
export class RolloutResponse {
  @ApiProperty({ type: String, format: 'uuid' }) rollout_id: string;
  @ApiProperty({ type: String, enum: ROLLOUT_STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it is paused, cancelled or completed', example: 'failure budget exceeded: 1 tenant(s) failed, at most 0 allowed' })
  reason: string | null;
  @ApiProperty({ type: 'integer', example: 3 }) target_version: number;
  @ApiProperty({ type: String, nullable: true }) applied_by: string | null;
  @ApiProperty({ type: 'integer', example: 64 }) max_parallel: number;
  @ApiProperty({ enum: ['ignore', 'skip'], description: 'skip: a tenant found drifted before its first attempt is skipped' }) on_drift: string;
  @ApiProperty({ type: 'object', properties: { max_failed: { type: 'integer' }, max_failed_percent: { type: 'number' } }, additionalProperties: false, example: { max_failed: 0 } })
  failure_budget: object;
  @ApiProperty({ type: () => RolloutWaveResponse, isArray: true }) waves: RolloutWaveResponse[];
  @ApiProperty({ type: () => RolloutCountsResponse }) counts: RolloutCountsResponse;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at: string | null;
}

@ApiSchema({ name: 'RolloutPage' })
export class RolloutPageResponse {
  @ApiProperty({ type: () => RolloutResponse, isArray: true }) items: RolloutResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last' }) next_cursor: string | null;
}

@ApiSchema({ name: 'RolloutTenant' })
export class RolloutTenantResponse {
  @ApiProperty({ type: String, format: 'uuid' }) tenant_id: string;
  @ApiProperty({ type: String, enum: ROLLOUT_TENANT_STATUSES }) status: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Its version when the rollout started it' }) from_version: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) current_version: number | null;
  @ApiProperty({ type: [String], format: 'uuid', description: 'The attempts made (or followed) for it, oldest first' }) migration_ids: string[];
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed or was skipped' }) details: string | null;
}

@ApiSchema({ name: 'RolloutTenantPage' })
export class RolloutTenantPageResponse {
  @ApiProperty({ type: () => RolloutTenantResponse, isArray: true }) items: RolloutTenantResponse[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}
