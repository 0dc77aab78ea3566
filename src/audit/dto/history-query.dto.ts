import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MIGRATION_STATUSES, type MigrationStatus } from '../schema-migration.entity.js';

const STATUS_MESSAGE = `status must be one of ${MIGRATION_STATUSES.join(', ')}`;

export class StatusQueryDto {
  @IsOptional()
  @IsIn(MIGRATION_STATUSES, { message: STATUS_MESSAGE })
  status?: MigrationStatus;
}

export class HistoryQueryDto extends StatusQueryDto {
  @IsOptional()
  @Type(() => Number)
  @Min(1, { message: 'limit must be at least 1' })
  @Max(500, { message: 'limit must be at most 500' })
  @IsInt({ message: 'limit must be an integer' })
  limit: number = 50;

  @IsOptional()
  @MaxLength(200, { message: 'cursor is not a next_cursor returned by this API' })
  @IsString({ message: 'cursor must be a string' })
  cursor?: string;
}
