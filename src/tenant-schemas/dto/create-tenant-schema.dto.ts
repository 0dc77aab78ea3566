import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { UUID_PATTERN } from '../../common/uuid.js';

export const MAX_DDL_CHARS = 1024 * 1024;

@ApiSchema({ name: 'CreateTenantSchema' })
export class CreateTenantSchemaDto {
  @ApiProperty({ type: String, format: 'uuid', example: '0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d' })
  @Matches(UUID_PATTERN, { message: 'tenant_id must be a UUID' })
  tenant_id: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 2147483647, description: 'Unique per tenant; N applies only on top of N-1', example: 3 })
  @Min(1, { message: 'version must be at least 1' })
  @Max(2147483647, { message: 'version must be at most 2147483647' })
  @IsInt({ message: 'version must be an integer' })
  version: number;

  @ApiProperty({
    type: String,
    minLength: 1,
    maxLength: MAX_DDL_CHARS,
    description: 'PostgreSQL DDL, checked against the tenant sandbox allow-list (at most 1,000 statements)',
    example: 'CREATE TABLE payments (id uuid PRIMARY KEY, amount numeric NOT NULL); ALTER TABLE invoices ADD COLUMN due_date date;',
  })
  @MinLength(1, { message: 'ddl must not be empty' })
  @MaxLength(MAX_DDL_CHARS, { message: `ddl must be at most ${MAX_DDL_CHARS} characters` })
  @IsString({ message: 'ddl must be a string' })
  ddl: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 10000, example: 'Payments table; invoice due dates' })
  @IsOptional()
  @MaxLength(10000, { message: 'description must be at most 10000 characters' })
  @IsString({ message: 'description must be a string' })
  description?: string | null;
}
