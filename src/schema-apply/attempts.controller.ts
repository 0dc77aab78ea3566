import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { MigrationRecordResponse } from '../audit/dto/migration-record.response.js';
import { toMigrationRecordJson } from '../audit/migration-record.mapper.js';
import { RequireScope } from '../auth/scopes.decorator.js';
import { ConflictError, NotFoundError } from '../common/domain-errors.js';
import { UuidParam } from '../common/uuid.js';
import { ApiErrorResponses, ApiTokenAuth } from '../docs/api-responses.js';
import { type Acceptance, AttemptsService } from '../audit/attempts.service.js';
import { BulkMigrationsDto, CreateMigrationDto, RetryMigrationDto, validateBulkItem } from './dto/create-migration.dto.js';
import { BulkMigrationsResponse } from './dto/bulk-migrations.response.js';
import { SchemaApplyProducer } from './schema-apply.producer.js';

const BULK_CHUNK = 100;

/** Thrown only for a single attempt; bulk reports the same judgement per item. */
function accepted(acceptance: Acceptance, tenantSchemaId: string) {
  if (acceptance.outcome === 'accepted') return acceptance.record;
  if (acceptance.outcome === 'not-found') throw new NotFoundError('tenant schema', tenantSchemaId);
  throw new ConflictError(acceptance.message);
}

/** Requests attempts (one, many, a retry) and enqueues their jobs; the routes keep the contract's name, /v1/migrations. */
@ApiTags('migrations')
@ApiTokenAuth('write')
@Controller('v1/migrations')
@RequireScope('write')
export class AttemptsController {
  constructor(
    private readonly attempts: AttemptsService,
    private readonly producer: SchemaApplyProducer,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Apply a tenant schema definition',
    description: 'Records a `pending` attempt and enqueues its job (BullMQ queue `schema-apply`); the record ends `success` or `failed`.',
  })
  @ApiBody({ type: CreateMigrationDto })
  @ApiAcceptedResponse({ type: MigrationRecordResponse, description: 'The new pending record' })
  @ApiErrorResponses([400, 404, 409, 413], {
    404: 'Unknown tenant schema definition',
    409: 'That version is already applied for the tenant, or an attempt of it is pending',
  })
  async create(@Body() dto: CreateMigrationDto) {
    const [acceptance] = await this.attempts.accept([{ tenantSchemaId: dto.tenant_schema_id, appliedBy: dto.applied_by }]);
    const record = accepted(acceptance, dto.tenant_schema_id);
    await this.producer.enqueue([record]);
    return toMigrationRecordJson(record);
  }

  @Post('bulk')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Apply many tenant schema definitions (1 to 1000)',
    description: 'Each item is judged as `POST /v1/migrations` would (202, 400, 404 or 409); results in request order.',
  })
  @ApiBody({ type: BulkMigrationsDto })
  @ApiAcceptedResponse({ type: BulkMigrationsResponse })
  @ApiErrorResponses([400, 413], { 400: '`items` missing, not an array, empty or over 1000 items, or an unknown field' })
  async bulk(@Body() dto: BulkMigrationsDto) {
    const judged = dto.items.map(validateBulkItem);
    const valid = judged.flatMap((j) => ('item' in j ? [j.item] : []));
    const acceptances: Acceptance[] = [];
    // Recorded and enqueued a chunk at a time, so workers start on the first attempts while the
    // rest are being recorded (all at once, a 1000-item request held every job back ~0.3 s).
    for (let i = 0; i < valid.length; i += BULK_CHUNK) {
      const chunk = await this.attempts.accept(valid.slice(i, i + BULK_CHUNK).map((v) => ({ tenantSchemaId: v.tenant_schema_id, appliedBy: v.applied_by })));
      await this.producer.enqueue(chunk.flatMap((a) => (a.outcome === 'accepted' ? [a.record] : [])));
      acceptances.push(...chunk);
    }

    let next = 0;
    const results = judged.map((j, index) => {
      const raw = dto.items[index] as { tenant_schema_id?: unknown } | null;
      const tenantSchemaId = typeof raw?.tenant_schema_id === 'string' ? raw.tenant_schema_id : null;
      if ('message' in j) return { tenant_schema_id: tenantSchemaId, status_code: 400, message: j.message };
      const a = acceptances[next++];
      if (a.outcome === 'accepted') return { tenant_schema_id: tenantSchemaId, status_code: 202, migration_id: a.record.migrationId };
      return { tenant_schema_id: tenantSchemaId, status_code: a.outcome === 'not-found' ? 404 : 409, message: a.message };
    });
    return { results };
  }

  @Post(':migration_id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Retry a failed attempt', description: 'Records a new pending attempt for the same definition and enqueues its job.' })
  @ApiParam({ name: 'migration_id', type: String, format: 'uuid', description: 'The failed attempt' })
  @ApiBody({ type: RetryMigrationDto, required: false })
  @ApiAcceptedResponse({ type: MigrationRecordResponse, description: 'The new pending record' })
  @ApiErrorResponses([400, 404, 409, 413], {
    404: 'Unknown migration record',
    409: 'The record is not `failed`, or its version is already applied or pending',
  })
  async retry(@UuidParam('migration_id') migrationId: string, @Body() dto: RetryMigrationDto) {
    const acceptance = await this.attempts.retry(migrationId, dto.applied_by);
    // The definition exists (the failed record references it), so only a conflict is possible.
    if (acceptance.outcome !== 'accepted') throw new ConflictError(acceptance.message);
    const record = acceptance.record;
    await this.producer.enqueue([record]);
    return toMigrationRecordJson(record);
  }
}
