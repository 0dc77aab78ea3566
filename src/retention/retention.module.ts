import { type DynamicModule, Module } from '@nestjs/common';
import type { AppRole } from '../config/env.schema.js';
import { PurgeService } from './purge.service.js';
import { RetentionController } from './retention.controller.js';
import { RetentionScheduler } from './retention.scheduler.js';

/** Retention policy, scheduled and on-demand purges of old migration records. */
@Module({})
export class RetentionModule {
  static forRole(role: AppRole): DynamicModule {
    return {
      module: RetentionModule,
      controllers: role === 'worker' ? [] : [RetentionController],
      providers: [PurgeService, RetentionScheduler],
      exports: [RetentionScheduler],
    };
  }
}
