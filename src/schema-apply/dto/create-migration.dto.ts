import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength, validateSync } from 'class-validator';
import { UUID_PATTERN } from '../../common/uuid.js';

export const MAX_BULK_ITEMS = 1000;

@ApiSchema({ name: 'RetryMigration' })
export class RetryMigrationDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 255, description: 'Who asks for the attempt', example: 'user:admin@example.com' })
  @IsOptional()
  @MaxLength(255, { message: 'applied_by must be at most 255 characters' })
  @IsString({ message: 'applied_by must be a string' })
  applied_by?: string | null;
}

@ApiSchema({ name: 'CreateMigration' })
export class CreateMigrationDto extends RetryMigrationDto {
  @ApiProperty({ type: String, format: 'uuid', description: 'The tenant schema definition to apply', example: 'a1b2c3d4-e5f6-7890-1234-567890abcdef' })
  @Matches(UUID_PATTERN, { message: 'tenant_schema_id must be a UUID' })
  @IsString({ message: 'tenant_schema_id must be a UUID' })
  tenant_schema_id: string;
}

@ApiSchema({ name: 'BulkMigrations' })
export class BulkMigrationsDto {
  @ApiProperty({
    type: () => CreateMigrationDto,
    isArray: true,
    minItems: 1,
    maxItems: MAX_BULK_ITEMS,
    description: 'Each item is judged on its own: an invalid item gets its own 400 result, not a 400 for the request',
  })
  @ArrayMinSize(1, { message: 'items must hold at least 1 item' })
  @ArrayMaxSize(MAX_BULK_ITEMS, { message: `items must hold at most ${MAX_BULK_ITEMS} items` })
  @IsArray({ message: 'items must be an array' })
  items: unknown[];
}

/** Judges one bulk item as the single route's validation would, without failing the whole batch. */
export function validateBulkItem(raw: unknown): { item: CreateMigrationDto } | { message: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { message: 'item must be an object' };
  const item = plainToInstance(CreateMigrationDto, raw);
  const [error] = validateSync(item, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  if (!error) return { item };
  if (error.constraints?.whitelistValidation) return { message: `${error.property} is not an allowed field` };
  return { message: Object.values(error.constraints ?? {}).join('; ') };
}
