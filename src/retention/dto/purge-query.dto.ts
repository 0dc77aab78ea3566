import { IsIn, IsOptional } from 'class-validator';

export class PurgeQueryDto {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'dry_run must be true or false' })
  dry_run?: 'true' | 'false';
}
