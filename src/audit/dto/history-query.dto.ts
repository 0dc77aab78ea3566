import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MIGRATION_STATUSES, type MigrationStatus } from '../schema-migration.entity.js';

const STATUS_MESSAGE = `status must be one of ${MIGRATION_STATUSES.join(', ')}`;

export class StatusQueryDto {
  @ApiPropertyOptional({ type: String, enum: MIGRATION_STATUSES, description: 'Only records with this status' })
  @IsOptional()
  @IsIn(MIGRATION_STATUSES, { message: STATUS_MESSAGE })
  status?: MigrationStatus;
}

export class HistoryQueryDto extends StatusQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'Records per page' })
  @IsOptional()
  @Type(() => Number)
  @Min(1, { message: 'limit must be at least 1' })
  @Max(500, { message: 'limit must be at most 500' })
  @IsInt({ message: 'limit must be an integer' })
  limit: number = 50;

  @ApiPropertyOptional({ type: String, maxLength: 200, description: 'The `next_cursor` of the previous page (opaque)' })
  @IsOptional()
  @MaxLength(200, { message: 'cursor is not a next_cursor returned by this API' })
  @IsString({ message: 'cursor must be a string' })
  cursor?: string;
}
