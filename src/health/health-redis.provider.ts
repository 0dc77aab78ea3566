import type { Provider } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

export const HEALTH_REDIS = Symbol('HEALTH_REDIS');

/** A Redis client that fails fast instead of queueing commands while Redis is away, so /health answers. */
export const healthRedisProvider: Provider = {
  provide: HEALTH_REDIS,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new Redis(config.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
};
