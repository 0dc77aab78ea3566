import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type HealthCheckAttempt, HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import type pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from '../database/pg-pool.js';

/**
 * Terminus' indicators, for what it cannot check itself here: its MikroORM indicator only asks
 * whether the ORM has connected (the service queries through its `pg` pool, so the ORM never
 * does), and it has no Redis indicator without @nestjs/microservices.
 */
@Injectable()
export class DependenciesHealth implements OnModuleInit, OnApplicationShutdown {
  /** Fails at once instead of queueing commands while Redis is away, so /health answers promptly. */
  private readonly redis: Redis;

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = new Redis(config.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // Reported by the check; ioredis keeps reconnecting.
    this.redis.on('error', () => undefined);
  }

  async onModuleInit() {
    // Redis being down at start is what /health reports, not a reason to stop.
    await this.redis.connect().catch(() => undefined);
  }

  /** `SELECT 1` on the pool the service's queries and applies use. */
  postgres<Key extends string>(key: Key): HealthCheckAttempt<Key> {
    return this.indicators.check(key).attempt(async () => {
      await this.pool.query('SELECT 1');
    });
  }

  redisPing<Key extends string>(key: Key): HealthCheckAttempt<Key> {
    return this.indicators.check(key).attempt(async () => {
      await this.redis.ping();
    });
  }

  onApplicationShutdown() {
    this.redis.disconnect();
  }
}
