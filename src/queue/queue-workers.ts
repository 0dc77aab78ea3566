import { hostname } from 'node:os';
import { type BeforeApplicationShutdown, Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import { type Processor, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { withTimeout } from '../common/with-timeout.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { bullConnection, CLOSE_TIMEOUT_MS } from './redis-connection.js';

/** Every BullMQ worker of this process: started by feature modules, closed within a bound on SIGTERM. */
@Injectable()
export class QueueWorkers implements BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueWorkers.name);
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  start<T>(queueName: string, processor: Processor<T>, concurrency = 1): Worker<T> {
    const connection = bullConnection(this.config.redisUrl);
    this.connections.push(connection);
    const worker = new Worker<T>(queueName, processor, {
      connection,
      prefix: this.config.queuePrefix,
      concurrency,
      name: `${hostname()}:${process.pid}`,
      // A killed worker's job is picked up again once its lock lapses.
      lockDuration: this.config.worker.lockMs,
      stalledInterval: this.config.worker.lockMs,
      maxStalledCount: 5,
    });
    worker.on('error', (error) => this.logger.warn(`${queueName} worker: ${error.message}`));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const data = (job.data ?? {}) as { migration_id?: string };
      this.logger.warn({ msg: `${queueName} job failed on try ${job.attemptsMade}: ${error.message}`, job_id: job.id, migration_id: data.migration_id });
    });
    this.workers.push(worker as Worker);
    this.logger.log(`worker started: ${queueName} (concurrency ${concurrency}, prefix '${this.config.queuePrefix}')`);
    return worker;
  }

  /** Stop taking jobs, let running ones finish within the bound, then force-close. */
  async beforeApplicationShutdown() {
    // Without Redis a graceful close cannot complete; a forced one loses nothing (jobs are retried).
    const redisUp = this.connections.every((c) => c.status === 'ready');
    try {
      if (!redisUp) throw new Error('Redis is not connected');
      await withTimeout(Promise.all(this.workers.map((w) => w.close())), this.config.worker.shutdownTimeoutMs, 'running jobs did not finish');
    } catch (error) {
      this.logger.warn(`${(error as Error).message}; closing workers now (their jobs will be retried)`);
      await withTimeout(Promise.all(this.workers.map((w) => w.close(true))), CLOSE_TIMEOUT_MS).catch(() => undefined);
    }
    for (const connection of this.connections) connection.disconnect();
  }
}

@Global()
@Module({ providers: [QueueWorkers], exports: [QueueWorkers] })
export class QueueWorkersModule {}
