import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DEFINITION_POLICIES, type DefinitionPolicy } from '../../ddl/allow-list.js';
import { IsNotReservedTenant } from '../../common/reserved-tenants.js';
import { UUID_PATTERN } from '../../common/uuid.js';

export const MAX_DDL_CHARS = 1024 * 1024;

@ApiSchema({ name: 'CreateTenantSchema' })
export class CreateTenantSchemaDto {
  @ApiProperty({ type: String, format: 'uuid', example: '0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d' })
  @Matches(UUID_PATTERN, { message: 'tenant_id must be a UUID' })
  @IsNotReservedTenant()
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

  @ApiPropertyOptional({
    type: String,
    enum: DEFINITION_POLICIES,
    default: 'strict',
    description: '`strict`: the sandbox allow-list for untrusted authors. `trusted` (needs a token with the `trusted` scope): also DO blocks, sql/plpgsql functions and procedures, triggers, and CREATE EXTENSION of TRUSTED_EXTENSIONS',
  })
  @IsOptional()
  @IsIn(DEFINITION_POLICIES, { message: `policy must be one of ${DEFINITION_POLICIES.join(', ')}` })
  policy?: DefinitionPolicy;

  @ApiPropertyOptional({
    type: Boolean,
    default: true,
    description: '`false`: the statements run one by one outside a transaction (CREATE INDEX CONCURRENTLY); trusted policy only',
  })
  @IsOptional()
  @IsBoolean({ message: 'transactional must be true or false' })
  transactional?: boolean;
}
