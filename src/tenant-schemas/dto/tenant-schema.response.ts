import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'LintWarning', description: 'A legal but risky statement (docs/contract.md §9)' })
export class LintWarningResponse {
  @ApiProperty({ type: String, description: 'Stable kebab-case rule id (README, Lint warnings)', example: 'column-type-change' })
  rule: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: "The statement's ordinal in the definition", example: 2 })
  statement: number;

  @ApiProperty({ type: String, description: 'What is risky and the safe alternative' })
  message: string;
}

@ApiSchema({ name: 'TenantSchema', description: "A stored, immutable version of a tenant's DDL" })
export class TenantSchemaResponse {
  @ApiProperty({ type: String, format: 'uuid', example: 'a1b2c3d4-e5f6-7890-1234-567890abcdef' })
  schema_id: string;

  @ApiProperty({ type: String, format: 'uuid', example: '0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d' })
  tenant_id: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 3 })
  version: number;

  @ApiProperty({ type: String, example: 'CREATE TABLE payments (id uuid PRIMARY KEY, amount numeric NOT NULL); ALTER TABLE invoices ADD COLUMN due_date date;' })
  ddl: string;

  @ApiProperty({ type: String, description: 'SHA-256 hex of `ddl`', pattern: '^[0-9a-f]{64}$', example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  checksum: string;

  @ApiProperty({ type: String, nullable: true, example: 'Payments table; invoice due dates' })
  description: string | null;

  @ApiProperty({ type: String, enum: ['strict', 'trusted'], example: 'strict' })
  policy: string;

  @ApiProperty({ type: Boolean, example: true, description: 'false: the statements run one by one outside a transaction' })
  transactional: boolean;

  @ApiProperty({
    type: () => LintWarningResponse,
    isArray: true,
    description: 'Statements that are legal but risky on a live table (never a refusal)',
    example: [{ rule: 'index-without-concurrently', statement: 2, message: 'CREATE INDEX orders_created_idx on orders without CONCURRENTLY blocks writes to orders while it builds; use CREATE INDEX CONCURRENTLY in a definition with transactional: false.' }],
  })
  warnings: LintWarningResponse[];

  @ApiProperty({ type: String, format: 'date-time', example: '2024-03-15T10:20:00.000Z' })
  created_at: string;
}

@ApiSchema({ name: 'TenantSchemaList', description: "A tenant's definitions by version ascending" })
export class TenantSchemaListResponse {
  @ApiProperty({ type: () => TenantSchemaResponse, isArray: true })
  items: TenantSchemaResponse[];
}
