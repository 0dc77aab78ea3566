import { Global, Injectable, Logger, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { withTimeout } from '../common/with-timeout.js';

/** The tenants of the latest completed drift check by status. */
export interface DriftStatusCounts {
  in_sync: number;
  drifted: number;
  skipped: number;
}

/** Rollouts by status, and the tenants of unfinished rollouts by status, read from the database on scrape. */
export interface RolloutStatusCounts {
  rollouts: Record<string, number>;
  tenants: Record<string, number>;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'] as const;

/** The process's Prometheus metrics. Queues register themselves; their depth is read on scrape. */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();
  private readonly queues: Queue[] = [];
  private lastRetentionRun: () => Promise<Date | null> = () => Promise.resolve(null);
  private rolloutCounts: () => Promise<RolloutStatusCounts> = () => Promise.resolve({ rollouts: {}, tenants: {} });
  private driftCounts: () => Promise<DriftStatusCounts | null> = () => Promise.resolve(null);

  readonly attempts = new Counter({
    name: 'bss_migration_attempts_total',
    help: 'Migration attempts by status: pending when recorded, success or failed when they end',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly applyDuration = new Histogram({
    name: 'bss_apply_duration_seconds',
    help: 'Time one apply took, from taking the job to committing its end',
    labelNames: ['status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly statementsApplied = new Counter({
    name: 'bss_statements_applied_total',
    help: 'Tenant DDL statements committed by successful attempts',
    registers: [this.registry],
  });
  readonly retentionDeleted = new Counter({
    name: 'bss_retention_deleted_total',
    help: 'Migration records deleted by retention purges in this process',
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'bss_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // The gauges' collect() runs with `this` bound to the gauge, so they reach the service through these.
    const { queues, logger } = this;
    // The readers are replaced after construction: look them up on every call.
    const rolloutCounts = () => this.rolloutCounts();
    const lastRetentionRun = () => this.lastRetentionRun();
    const driftCounts = () => this.driftCounts();
    new Gauge({
      name: 'bss_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        for (const queue of queues) {
          try {
            const counts = await withTimeout(queue.getJobCounts(...JOB_STATES), 2000, 'Redis did not answer');
            for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          } catch (error) {
            logger.warn(`queue depth of ${queue.name} unavailable: ${(error as Error).message}`);
          }
        }
      },
    });
    let rollouts: Promise<RolloutStatusCounts> | undefined;
    // One database read per scrape serves both gauges.
    const readRollouts = () => (rollouts ??= rolloutCounts().finally(() => setTimeout(() => (rollouts = undefined), 1000).unref()));
    new Gauge({
      name: 'bss_rollouts',
      help: 'Rollouts by status',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await readRollouts().catch(() => undefined);
        for (const status of ['running', 'paused', 'completed', 'cancelled']) this.set({ status }, counts?.rollouts[status] ?? 0);
      },
    });
    new Gauge({
      name: 'bss_rollout_tenants',
      help: 'Tenants of unfinished rollouts by status',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await readRollouts().catch(() => undefined);
        for (const status of ['queued', 'running', 'success', 'failed', 'skipped']) this.set({ status }, counts?.tenants[status] ?? 0);
      },
    });
    new Gauge({
      name: 'bss_drift_tenants',
      help: 'Tenants by status in the latest completed drift check (in_sync, drifted, skipped)',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await driftCounts().catch(() => null);
        for (const status of ['in_sync', 'drifted', 'skipped'] as const) this.set({ status }, counts?.[status] ?? 0);
      },
    });
    new Gauge({
      name: 'bss_retention_last_run_timestamp_seconds',
      help: 'When the last retention purge finished (0 if none yet)',
      registers: [this.registry],
      async collect() {
        const last = await lastRetentionRun().catch(() => null);
        this.set(last ? last.getTime() / 1000 : 0);
      },
    });
  }

  watchQueue(queue: Queue): void {
    this.queues.push(queue);
  }

  /** Rollout state lives in the database, so every instance reports the same. */
  readRolloutCountsFrom(reader: () => Promise<RolloutStatusCounts>): void {
    this.rolloutCounts = reader;
  }

  /** The latest completed drift check lives in the database, so every instance reports the same. */
  readDriftCountsFrom(reader: () => Promise<DriftStatusCounts | null>): void {
    this.driftCounts = reader;
  }

  /** Where the last retention run is kept (the database), so every instance reports the same. */
  readRetentionLastRunFrom(reader: () => Promise<Date | null>): void {
    this.lastRetentionRun = reader;
  }
}

@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsCoreModule {}
