import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { Public } from '../auth/scopes.decorator.js';
import { withTimeout } from '../common/with-timeout.js';
import { HealthResponse } from './dto/health.response.js';
import { HEALTH_REDIS } from './health-redis.provider.js';

const TIMEOUT_MS = 2000;

type Check = { status: 'up' } | { status: 'down'; error: string };

async function check(probe: () => Promise<unknown>): Promise<Check> {
  try {
    await withTimeout(probe(), TIMEOUT_MS);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly em: EntityManager,
    @Inject(HEALTH_REDIS) private readonly redis: Redis,
  ) {}

  /** 200 when PostgreSQL and Redis both answer; 503 naming the one that does not. */
  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness of PostgreSQL and Redis', description: 'No token needed.' })
  @ApiOkResponse({ type: HealthResponse, description: 'Both answer' })
  @ApiServiceUnavailableResponse({
    type: HealthResponse,
    description: '`checks` names the one down',
    example: { status: 'error', checks: { postgres: { status: 'up' }, redis: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:6379' } } },
  })
  async health(@Res({ passthrough: true }) res: Response) {
    const [postgres, redis] = await Promise.all([
      check(() => this.em.getConnection().execute('SELECT 1')),
      check(() => this.redis.ping()),
    ]);
    const up = postgres.status === 'up' && redis.status === 'up';
    res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: up ? 'ok' : 'error', checks: { postgres, redis } };
  }
}
