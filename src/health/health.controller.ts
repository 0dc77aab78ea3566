import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { Public } from '../auth/scopes.decorator.js';
import { withTimeout } from '../common/with-timeout.js';
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

@Controller('health')
export class HealthController {
  constructor(
    private readonly em: EntityManager,
    @Inject(HEALTH_REDIS) private readonly redis: Redis,
  ) {}

  /** 200 when PostgreSQL and Redis both answer; 503 naming the one that does not. */
  @Get()
  @Public()
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
