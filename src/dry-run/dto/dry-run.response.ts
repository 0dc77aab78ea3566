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
  @ApiProperty({ type: () => DryRunLockResponse, isArray: true, description: 'Every relation lock the statement requests, strongest first, also one an earlier statement already holds' })
  locks: DryRunLockResponse[];
  @ApiProperty({ type: [String], description: 'Tables whose storage it rewrote (their relfilenode changed)', example: ['orders'] }) rewrites: string[];
}

@ApiSchema({ name: 'DryRunHold' })
export class DryRunHoldResponse {
  @ApiProperty({ type: String, example: 'orders' }) relation: string;
  @ApiProperty({ type: String, example: 'ACCESS EXCLUSIVE' }) mode: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'The statement that first takes it' }) from_statement: number;
  @ApiProperty({ type: Number, example: 1885.2, description: 'How long this dry run held it' }) held_ms: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 1000000, description: "The relation's rows from PostgreSQL's statistics (null before its first VACUUM or ANALYZE, or for a relation the version makes)" })
  rows: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 52183040 }) bytes: number | null;
}

@ApiSchema({ name: 'DryRunPlan', description: 'What a definition would do to its tenant (docs/contract.md §9)' })
export class DryRunResponse {
  @ApiProperty({ type: String, format: 'uuid' }) schema_id: string;
  @ApiProperty({ type: String, format: 'uuid' }) tenant_id: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ type: String, enum: ['shadow', 'live'] }) mode: string;
  @ApiProperty({ type: String, enum: ['success', 'failed', 'unknown'], description: 'unknown: a live run stopped at max_lock_ms' }) would: string;
  @ApiProperty({ type: String, description: 'The details a real attempt would record (or why the run stopped)' }) details: string;
  @ApiProperty({ type: () => DryRunStatementResponse, isArray: true }) statements: DryRunStatementResponse[];
  @ApiProperty({ type: () => DryRunHoldResponse, isArray: true, description: 'Per relation, the strongest lock the version takes, held from its statement until COMMIT' }) holds: DryRunHoldResponse[];
}
