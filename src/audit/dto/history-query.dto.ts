import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';
import { MIGRATION_STATUSES, type MigrationStatus } from '../schema-migration.entity.js';

const STATUS_MESSAGE = `status must be one of ${MIGRATION_STATUSES.join(', ')}`;

export class StatusQueryDto {
  @ApiPropertyOptional({ type: String, enum: MIGRATION_STATUSES, description: 'Only records with this status' })
  @IsOptional()
  @IsIn(MIGRATION_STATUSES, { message: STATUS_MESSAGE })
  status?: MigrationStatus;
}

export class HistoryQueryDto extends IntersectionType(StatusQueryDto, PageQueryDto) {}
