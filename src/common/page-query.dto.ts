import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `limit` and `cursor` of a paged list (a tenant's history, rollouts, their tenants, a drift check's tenants). */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'Items per page' })
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
