import { WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';
import { withTimeout } from '../common/with-timeout.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** With Redis away, closing waits for nothing longer than this. */
const CLOSE_TIMEOUT_MS = 3000;

/**
 * Hand-written because @nestjs/bullmq closes its workers without a bound (a graceful close
 * waits for running jobs however long they take, and a forced close cannot cut one short),
 * while SIGTERM must end within SHUTDOWN_TIMEOUT_MS. Before Nest's own shutdown hooks, every
 * worker stops taking jobs and its running jobs get that long; then it is closed by force,
 * which leaves unfinished jobs to be taken up again (their records stay pending).
 */
@Injectable()
export class WorkerShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerShutdown.name);

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
    if (workers.length === 0) return;
    try {
      // Without Redis, running jobs cannot be marked finished, so waiting for them is pointless.
      if (!(await redisReady(workers))) throw new Error('Redis is not connected');
      // pause(): take no new job, and resolve once the running ones have finished.
      await withTimeout(Promise.all(workers.map((w) => w.pause())), this.config.worker.shutdownTimeoutMs, 'running jobs did not finish');
    } catch (error) {
      this.logger.warn(`${(error as Error).message}; closing workers now (their jobs will be taken up again)`);
    }
    await withTimeout(Promise.all(workers.map((w) => w.close(true))), CLOSE_TIMEOUT_MS).catch(() => undefined);
  }
}

async function redisReady(workers: Worker[]): Promise<boolean> {
  try {
    const clients = await withTimeout(Promise.all(workers.map((w) => w.getBackend().client)), 500);
    return clients.every((client) => client.status === 'ready');
  } catch {
    return false;
  }
}
