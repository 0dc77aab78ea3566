import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { withTimeout } from '../common/with-timeout.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ApplyProcessor } from './apply.processor.js';
import { ReconcilerService } from './reconciler.service.js';
import { bullConnection, CLOSE_TIMEOUT_MS } from './redis-connection.js';
import { type ApplyJobData, RECONCILE_QUEUE, SCHEMA_APPLY_QUEUE } from './schema-apply.queue.js';

/** The BullMQ workers of a `worker` (or `all`) process, closed within a bound on SIGTERM. */
@Injectable()
export class SchemaApplyWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SchemaApplyWorkers.name);
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly processor: ApplyProcessor,
    private readonly reconciler: ReconcilerService,
  ) {}

  onApplicationBootstrap() {
    const { config } = this;
    const common = {
      prefix: config.queuePrefix,
      name: `${hostname()}:${process.pid}`,
      // A killed worker's job is picked up again once its lock lapses.
      lockDuration: config.worker.lockMs,
      stalledInterval: config.worker.lockMs,
      maxStalledCount: 5,
    };
    this.start(
      new Worker<ApplyJobData>(SCHEMA_APPLY_QUEUE, (job: Job<ApplyJobData>, token?: string) => this.processor.process(job, token), {
        ...common,
        connection: this.connection(),
        concurrency: config.workerConcurrency,
      }),
    );
    this.start(new Worker(RECONCILE_QUEUE, () => this.reconciler.run(), { ...common, connection: this.connection(), concurrency: 1 }));
    this.logger.log(`workers started: concurrency ${config.workerConcurrency}, prefix '${config.queuePrefix}'`);
  }

  /** Stop taking jobs, let running applies finish within the bound, then force-close. */
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

  private connection(): Redis {
    const connection = bullConnection(this.config.redisUrl);
    this.connections.push(connection);
    return connection;
  }

  private start(worker: Worker) {
    worker.on('error', (error) => this.logger.warn(`${worker.name}: ${error.message}`));
    worker.on('failed', (job, error) => {
      if (job) this.logger.warn(`job ${job.id} (${job.name}) failed on try ${job.attemptsMade}: ${error.message}`);
    });
    this.workers.push(worker);
  }
}
