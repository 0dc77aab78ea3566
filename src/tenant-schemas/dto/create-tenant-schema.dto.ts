import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { UUID_PATTERN } from '../../common/uuid.js';

export const MAX_DDL_CHARS = 1024 * 1024;

export class CreateTenantSchemaDto {
  @Matches(UUID_PATTERN, { message: 'tenant_id must be a UUID' })
  tenant_id: string;

  @Min(1, { message: 'version must be at least 1' })
  @Max(2147483647, { message: 'version must be at most 2147483647' })
  @IsInt({ message: 'version must be an integer' })
  version: number;

  @MinLength(1, { message: 'ddl must not be empty' })
  @MaxLength(MAX_DDL_CHARS, { message: `ddl must be at most ${MAX_DDL_CHARS} characters` })
  @IsString({ message: 'ddl must be a string' })
  ddl: string;

  @IsOptional()
  @MaxLength(10000, { message: 'description must be at most 10000 characters' })
  @IsString({ message: 'description must be a string' })
  description?: string | null;
}
