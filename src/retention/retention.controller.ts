import { Controller, Get, HttpCode, HttpStatus, Inject, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes.decorator.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ApiErrorResponses, ApiTokenAuth } from '../docs/api-responses.js';
import { PurgeQueryDto } from './dto/purge-query.dto.js';
import { PurgeResultResponse, RetentionStatusResponse } from './dto/retention.response.js';
import { PurgeService } from './purge.service.js';

@ApiTags('retention')
@ApiTokenAuth('admin')
@Controller('v1/retention')
@RequireScope('admin')
export class RetentionController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly purges: PurgeService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Retention policy and the last purge' })
  @ApiOkResponse({ type: RetentionStatusResponse })
  async status() {
    const { days, cron, batchSize } = this.config.retention;
    const run = await this.purges.lastRun();
    return {
      policy: { days, cron, batch_size: batchSize },
      last_run: run && {
        started_at: run.startedAt.toISOString(),
        finished_at: run.finishedAt.toISOString(),
        duration_ms: run.finishedAt.getTime() - run.startedAt.getTime(),
        cutoff: run.cutoff?.toISOString() ?? null,
        deleted: run.deleted,
        outcome: run.outcome,
        error: run.error,
        trigger: run.trigger,
      },
    };
  }

  @Post('purge')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Purge audit records older than the policy now',
    description: 'Never deletes a pending record or a tenant\'s latest success. With `dry_run=true` nothing is deleted and `deleted` counts what would be.',
  })
  @ApiOkResponse({ type: PurgeResultResponse })
  @ApiErrorResponses([400], { 400: 'dry_run is not true or false' })
  async purge(@Query() query: PurgeQueryDto) {
    const result = query.dry_run === 'true' ? await this.purges.dryRun() : await this.purges.purge('api');
    return { cutoff: result.cutoff?.toISOString() ?? null, deleted: result.deleted };
  }
}
