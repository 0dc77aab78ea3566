import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { InvalidInputError } from '../../common/domain-errors.js';
import type { FailureBudget, WaveSpec } from '../rollout-plan.js';

export const MAX_ROLLOUT_TENANTS = 100_000;
export const MAX_WAVES = 100;
export const MAX_PARALLEL_LIMIT = 10_000;

@ApiSchema({ name: 'CreateRollout' })
export class CreateRolloutDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 2147483647, description: 'The version every tenant is brought to', example: 3 })
  @Min(1, { message: 'target_version must be at least 1' })
  @Max(2147483647, { message: 'target_version must be at most 2147483647' })
  @IsInt({ message: 'target_version must be an integer' })
  target_version: number;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_ROLLOUT_TENANTS,
    description: 'The tenants, in rollout order. Omitted: every tenant with a definition of target_version that is below it, by ascending tenant id',
  })
  @IsOptional()
  @ArrayMinSize(1, { message: 'tenant_ids must hold at least 1 tenant id (omit it to select every tenant below the target)' })
  @ArrayMaxSize(MAX_ROLLOUT_TENANTS, { message: `tenant_ids must hold at most ${MAX_ROLLOUT_TENANTS} tenant ids` })
  @IsArray({ message: 'tenant_ids must be an array of tenant ids' })
  tenant_ids?: unknown[];

  @ApiPropertyOptional({
    type: 'array',
    items: { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\d+(\\.\\d+)?%$' }] },
    maxItems: MAX_WAVES,
    description: 'Sizes of the first waves, as counts or percentages of the tenants; the rest form the last wave',
    example: [1, 10, '25%'],
  })
  @IsOptional()
  @ArrayMaxSize(MAX_WAVES, { message: `waves must hold at most ${MAX_WAVES} waves` })
  @IsArray({ message: 'waves must be an array of counts or percentages' })
  waves?: unknown[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PARALLEL_LIMIT, default: 64, description: "At most this many of the rollout's attempts queued or running at once" })
  @IsOptional()
  @Min(1, { message: 'max_parallel must be at least 1' })
  @Max(MAX_PARALLEL_LIMIT, { message: `max_parallel must be at most ${MAX_PARALLEL_LIMIT}` })
  @IsInt({ message: 'max_parallel must be an integer' })
  max_parallel?: number;

  @ApiPropertyOptional({
    type: 'object',
    properties: { max_failed: { type: 'integer', minimum: 0 }, max_failed_percent: { type: 'number', minimum: 0, maximum: 100 } },
    description: 'Exactly one of `max_failed` (tenants) or `max_failed_percent` (of the ended tenants); default `{"max_failed": 0}`',
    example: { max_failed: 2 },
  })
  @IsOptional()
  @IsObject({ message: 'failure_budget must be an object: {"max_failed": N} or {"max_failed_percent": P}' })
  failure_budget?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 255, description: 'Recorded as applied_by of every attempt', example: 'rollout:v3' })
  @IsOptional()
  @MaxLength(255, { message: 'applied_by must be at most 255 characters' })
  @IsString({ message: 'applied_by must be a string' })
  applied_by?: string | null;

  @ApiPropertyOptional({ enum: ['ignore', 'skip'], default: 'ignore', description: 'skip: each tenant is checked for drift before its first attempt; a drifted one is skipped, its details naming the differences' })
  @IsOptional()
  @IsIn(['ignore', 'skip'], { message: 'on_drift must be one of ignore, skip' })
  on_drift?: 'ignore' | 'skip';

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Dry-run the first tenant before the first wave; a problem creates the rollout paused' })
  @IsOptional()
  @IsBoolean({ message: 'dry_run_first must be true or false' })
  dry_run_first?: boolean;
}


export function wavesOf(raw: unknown[] | undefined): WaveSpec[] | undefined {
  return raw?.map((value, i) => {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
    if (typeof value === 'string' && /^\d+(\.\d+)?%$/.test(value)) {
      const percent = Number(value.slice(0, -1));
      if (percent > 0 && percent <= 100) return value as WaveSpec;
    }
    throw new InvalidInputError(`waves[${i}] must be a positive integer or a percentage from "0.1%" to "100%", such as "25%"`);
  });
}

export function failureBudgetOf(raw: Record<string, unknown> | undefined): FailureBudget | undefined {
  if (raw === undefined) return undefined;
  const keys = Object.keys(raw);
  if (keys.length !== 1 || !['max_failed', 'max_failed_percent'].includes(keys[0])) {
    throw new InvalidInputError('failure_budget must have exactly one of max_failed, max_failed_percent');
  }
  const value = raw[keys[0]];
  if (keys[0] === 'max_failed') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2147483647) {
      throw new InvalidInputError('failure_budget.max_failed must be an integer of at least 0');
    }
    return { max_failed: value };
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new InvalidInputError('failure_budget.max_failed_percent must be a number from 0 to 100');
  }
  return { max_failed_percent: value };
}
