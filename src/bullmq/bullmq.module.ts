import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WorkerShutdown } from './worker-shutdown.js';

/** BullMQ for every queue and worker of the process, and the bounded shutdown of its workers. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // BullMQ opens its own connections from these options (a worker's with maxRetriesPerRequest
        // null). The prefix is BullMQ's `prefix`, never ioredis' keyPrefix, which breaks BullMQ.
        connection: { url: config.redisUrl },
        prefix: config.queuePrefix,
      }),
    }),
    DiscoveryModule,
  ],
  providers: [WorkerShutdown],
})
export class BullMqModule {}
