import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes.decorator.js';
import { UuidParam } from '../common/uuid.js';
import { ApiErrorResponses, ApiTokenAuth } from '../docs/api-responses.js';
import { DryRunRequestDto } from './dto/dry-run.request.js';
import { DryRunResponse } from './dto/dry-run.response.js';
import { DryRunService } from './dry-run.service.js';

@ApiTags('tenant-schemas')
@ApiTokenAuth('write')
@Controller('v1/tenant-schemas')
@RequireScope('write')
export class DryRunController {
  constructor(private readonly dryRuns: DryRunService) {}

  @Post(':schema_id/dry-run')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Dry-run a definition on its tenant',
    description:
      "Runs the definition as an apply would (role, sandbox, version check) on a shadow of the tenant's schema without its rows (default), or live on its real relations under its lock, bounded by max_lock_ms; reports the locks each statement requests, the tables it rewrites and how long each relation would stay locked, then leaves nothing behind. Writes no record.",
  })
  @ApiParam({ name: 'schema_id', type: String, format: 'uuid' })
  @ApiBody({ type: DryRunRequestDto, required: false })
  @ApiOkResponse({ type: DryRunResponse })
  @ApiErrorResponses([400, 404, 409], {
    400: 'Not a UUID, or a definition with transactional: false (it cannot be rolled back)',
    409: 'The tenant has an attempt running',
  })
  async dryRun(@UuidParam('schema_id') schemaId: string, @Body() body: DryRunRequestDto) {
    return (await this.dryRuns.dryRun(schemaId, { mode: body?.mode, maxLockMs: body?.max_lock_ms })).plan;
  }
}
