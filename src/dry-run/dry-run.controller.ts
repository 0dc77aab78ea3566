import { Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes.decorator.js';
import { UuidParam } from '../common/uuid.js';
import { ApiErrorResponses, ApiTokenAuth } from '../docs/api-responses.js';
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
      'Runs the definition exactly as an apply would (role, sandbox, tenant lock, version check), records the relation locks each statement took and the tables it rewrote, then rolls everything back. Writes no record.',
  })
  @ApiParam({ name: 'schema_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: DryRunResponse })
  @ApiErrorResponses([400, 404, 409], {
    400: 'Not a UUID, or a definition with transactional: false (it cannot be rolled back)',
    409: 'The tenant is busy with an attempt',
  })
  async dryRun(@UuidParam('schema_id') schemaId: string) {
    return (await this.dryRuns.dryRun(schemaId)).plan;
  }
}
