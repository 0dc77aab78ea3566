import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { HealthController } from './health.controller.js';
import { HEALTH_REDIS, healthRedisProvider } from './health-redis.provider.js';

@Module({
  controllers: [HealthController],
  providers: [healthRedisProvider],
})
export class HealthModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(HEALTH_REDIS) private readonly redis: Redis) {}

  async onModuleInit() {
    // Redis being down at start is what /health reports, not a reason to stop; ioredis keeps reconnecting.
    await this.redis.connect().catch(() => undefined);
  }

  onApplicationShutdown() {
    this.redis.disconnect();
  }
}
