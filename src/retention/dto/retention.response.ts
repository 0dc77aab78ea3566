import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'RetentionPolicy' })
export class RetentionPolicyResponse {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Records older than this many days may be purged; 0 keeps everything', example: 30 })
  days: number;

  @ApiProperty({ type: String, description: 'When scheduled purges run (UTC)', example: '0 3 * * *' })
  cron: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Rows per purge batch', example: 5000 })
  batch_size: number;
}

@ApiSchema({ name: 'RetentionRun', description: 'The last purge, scheduled or through the API' })
export class RetentionRunResponse {
  @ApiProperty({ type: String, format: 'date-time', example: '2024-03-16T03:00:00.012Z' })
  started_at: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2024-03-16T03:00:01.345Z' })
  finished_at: string;

  @ApiProperty({ type: 'integer', example: 1333 })
  duration_ms: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Records created before this may have been purged; null keeps everything', example: '2024-02-15T03:00:00.012Z' })
  cutoff: string | null;

  @ApiProperty({ type: 'integer', example: 120 })
  deleted: number;

  @ApiProperty({ type: String, enum: ['success', 'failed'], example: 'success' })
  outcome: 'success' | 'failed';

  @ApiProperty({ type: String, nullable: true, example: null })
  error: string | null;

  @ApiProperty({ type: String, enum: ['schedule', 'api'], example: 'schedule' })
  trigger: 'schedule' | 'api';
}

@ApiSchema({ name: 'RetentionStatus' })
export class RetentionStatusResponse {
  @ApiProperty({ type: () => RetentionPolicyResponse })
  policy: RetentionPolicyResponse;

  @ApiProperty({ type: () => RetentionRunResponse, nullable: true, description: 'null until the first purge' })
  last_run: RetentionRunResponse | null;
}

@ApiSchema({ name: 'PurgeResult' })
export class PurgeResultResponse {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Records created before this are purged; null when the policy keeps everything', example: '2024-02-15T10:00:00.000Z' })
  cutoff: string | null;

  @ApiProperty({ type: 'integer', description: 'Records deleted, or with dry_run those that would be', example: 120 })
  deleted: number;
}
