import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class PurgeQueryDto {
  @ApiPropertyOptional({ type: String, enum: ['true', 'false'], default: 'false', description: 'true: delete nothing, count what would be deleted' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'dry_run must be true or false' })
  dry_run?: 'true' | 'false';
}
