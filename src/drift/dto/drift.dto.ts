import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';

/** At most this many tenants named in one check (omit tenant_ids to check every tenant). */
export const MAX_CHECK_TENANTS = 100_000;
export const CHECK_TENANT_STATUSES = ['queued', 'in_sync', 'drifted', 'skipped'] as const;

export class CreateDriftCheckDto {
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 1, maxItems: MAX_CHECK_TENANTS, description: 'Omitted: every tenant with an applied version' })
  @IsOptional()
  @ArrayMinSize(1, { message: 'tenant_ids must hold at least 1 tenant id (omit it to check every tenant with an applied version)' })
  @ArrayMaxSize(MAX_CHECK_TENANTS, { message: `tenant_ids must hold at most ${MAX_CHECK_TENANTS} tenant ids` })
  @IsArray({ message: 'tenant_ids must be an array of tenant ids' })
  tenant_ids?: unknown[];
}

export class DriftCheckTenantsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: String, enum: CHECK_TENANT_STATUSES })
  @IsOptional()
  @IsIn(CHECK_TENANT_STATUSES, { message: `status must be one of ${CHECK_TENANT_STATUSES.join(', ')}` })
  status?: (typeof CHECK_TENANT_STATUSES)[number];
}

@ApiSchema({ name: 'DriftDifference', description: 'An object whose definition is not what the versions made it' })
export class DifferenceResponse {
  @ApiProperty({ enum: ['missing', 'unexpected', 'changed'] }) change: string;
  @ApiProperty({ example: 'column' }) object_type: string;
  @ApiProperty({ example: 'orders.total' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: 'numeric(12,2) NOT NULL' }) expected: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'numeric(14,3) NOT NULL' }) actual: string | null;
}

@ApiSchema({ name: 'TenantDrift', description: "Whether a tenant's schema is what its applied versions made it (docs/contract.md §11)" })
export class TenantDriftResponse {
  @ApiProperty({ format: 'uuid' }) tenant_id: string;
  @ApiProperty({ type: 'integer' }) current_version: number;
  @ApiProperty({ enum: ['in_sync', 'drifted'] }) status: string;
  @ApiProperty({ format: 'date-time' }) checked_at: string;
  @ApiProperty({ type: () => DifferenceResponse, isArray: true }) differences: DifferenceResponse[];
}

class DriftCountsResponse {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) in_sync: number;
  @ApiProperty({ type: 'integer' }) drifted: number;
  @ApiProperty({ type: 'integer' }) skipped: number;
}

@ApiSchema({ name: 'DriftCheck', description: 'A fleet drift check, run as a job on queue `drift`' })
export class DriftCheckResponse {
  @ApiProperty({ format: 'uuid' }) check_id: string;
  @ApiProperty({ enum: ['running', 'completed'] }) status: string;
  @ApiProperty({ type: () => DriftCountsResponse }) counts: DriftCountsResponse;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at: string | null;
}

class DriftCheckTenantResponse {
  @ApiProperty({ format: 'uuid' }) tenant_id: string;
  @ApiProperty({ enum: CHECK_TENANT_STATUSES }) status: string;
  @ApiProperty({ type: 'integer', nullable: true }) current_version: number | null;
  @ApiProperty({ type: () => DifferenceResponse, isArray: true }) differences: DifferenceResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Why a tenant was skipped' }) details: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) checked_at: string | null;
}

@ApiSchema({ name: 'DriftCheckTenantPage', description: "A page of a check's tenants, by tenant id" })
export class DriftCheckTenantPageResponse {
  @ApiProperty({ type: () => DriftCheckTenantResponse, isArray: true }) items: DriftCheckTenantResponse[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}
