import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'BulkMigrationResult', description: 'The judgement of one bulk item, as the single route would give it' })
export class BulkMigrationResult {
  @ApiProperty({ type: String, nullable: true, description: "The item's tenant_schema_id, null if it had none", example: 'a1b2c3d4-e5f6-7890-1234-567890abcdef' })
  tenant_schema_id: string | null;

  @ApiProperty({ type: 'integer', enum: [202, 400, 404, 409], description: '202 accepted (job enqueued), 400 invalid item, 404 unknown definition, 409 conflict', example: 202 })
  status_code: number;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'The new pending record (202 only)', example: 'f1e2d3c4-b5a6-7890-4321-abcdef123456' })
  migration_id?: string;

  @ApiPropertyOptional({ type: String, description: 'Why the item was refused (not on 202)' })
  message?: string;
}

@ApiSchema({ name: 'BulkMigrationResults', description: 'One result per item, in request order' })
export class BulkMigrationsResponse {
  @ApiProperty({ type: () => BulkMigrationResult, isArray: true })
  results: BulkMigrationResult[];
}
