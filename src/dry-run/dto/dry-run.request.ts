import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

@ApiSchema({ name: 'DryRunRequest' })
export class DryRunRequestDto {
  @ApiPropertyOptional({ enum: ['shadow', 'live'], default: 'shadow', description: "shadow: on a copy of the tenant's schema without its rows; live: on its real relations and rows" })
  @IsOptional()
  @IsIn(['shadow', 'live'], { message: 'mode must be one of shadow, live' })
  mode?: 'shadow' | 'live';

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 3600000, description: 'live: stop once a lock of SHARE or stronger has been held this long (default DRY_RUN_MAX_LOCK_MS)' })
  @IsOptional()
  @Min(1, { message: 'max_lock_ms must be at least 1' })
  @Max(3_600_000, { message: 'max_lock_ms must be at most 3600000' })
  @IsInt({ message: 'max_lock_ms must be an integer number of milliseconds' })
  max_lock_ms?: number;
}
