import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'DryRunLock' })
export class DryRunLockResponse {
  @ApiProperty({ type: String, example: 'orders' }) relation: string;
  @ApiProperty({ type: String, example: 'ACCESS EXCLUSIVE', description: 'Lock mode as SQL names it' }) mode: string;
}

@ApiSchema({ name: 'DryRunStatement' })
export class DryRunStatementResponse {
  @ApiProperty({ type: 'integer', example: 1 }) ordinal: number;
  @ApiProperty({ type: String, example: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2)' }) text: string;
  @ApiProperty({ type: Number, example: 812.4 }) duration_ms: number;
  @ApiProperty({ type: () => DryRunLockResponse, isArray: true, description: 'Relation locks the statement took, strongest first' }) locks: DryRunLockResponse[];
  @ApiProperty({ type: [String], description: 'Tables whose storage it rewrote (their relfilenode changed)', example: ['orders'] }) rewrites: string[];
}

@ApiSchema({ name: 'DryRunPlan', description: 'What a definition would do to its tenant (docs/contract.md §9)' })
export class DryRunResponse {
  @ApiProperty({ type: String, format: 'uuid' }) schema_id: string;
  @ApiProperty({ type: String, format: 'uuid' }) tenant_id: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ type: String, enum: ['success', 'failed'] }) would: string;
  @ApiProperty({ type: String, description: 'The details a real attempt would record' }) details: string;
  @ApiProperty({ type: () => DryRunStatementResponse, isArray: true }) statements: DryRunStatementResponse[];
}
