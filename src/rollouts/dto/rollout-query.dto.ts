import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';
import { ROLLOUT_STATUSES, ROLLOUT_TENANT_STATUSES, type RolloutStatus, type RolloutTenantStatus } from '../rollout.mapper.js';

export class RolloutListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: String, enum: ROLLOUT_STATUSES })
  @IsOptional()
  @IsIn(ROLLOUT_STATUSES, { message: `status must be one of ${ROLLOUT_STATUSES.join(', ')}` })
  status?: RolloutStatus;
}

export class RolloutTenantsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: String, enum: ROLLOUT_TENANT_STATUSES })
  @IsOptional()
  @IsIn(ROLLOUT_TENANT_STATUSES, { message: `status must be one of ${ROLLOUT_TENANT_STATUSES.join(', ')}` })
  status?: RolloutTenantStatus;
}
