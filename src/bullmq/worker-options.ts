import { hostname } from 'node:os';
import { Processor } from '@nestjs/bullmq';
import type { Job, WorkerOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';

/** What `@Processor` takes: the connection and prefix come from BullModule's root options. */
export type ProcessorWorkerOptions = Omit<WorkerOptions, 'connection'>;

// A mixin's base must be constructible with `any[]` (TypeScript's rule for class expressions that extend it).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ProcessorClass = new (...args: any[]) => { process(job: Job, token?: string): Promise<unknown> };

/** What every worker of this service runs with; `overrides` per queue. */
export function workerOptions(config: AppConfig, overrides: ProcessorWorkerOptions = {}): ProcessorWorkerOptions {
  return {
    // Shown as the job's processedBy.
    name: `${hostname()}:${process.pid}`,
    // A killed worker's job is picked up again once its lock lapses.
    lockDuration: config.worker.lockMs,
    stalledInterval: config.worker.lockMs,
    maxStalledCount: 5,
    ...overrides,
  };
}

/**
 * `@Processor`'s worker options are class metadata, fixed where the class is declared, while
 * concurrency and lock times come from the config validated at start. So each app registers a
 * subclass decorated with its own options (the tests run apps with different settings in one process).
 */
export function withWorkerOptions<T extends ProcessorClass>(processor: T, queueName: string, options: ProcessorWorkerOptions): T {
  const configured = class extends processor {};
  Object.defineProperty(configured, 'name', { value: processor.name });
  Processor(queueName, options)(configured);
  return configured;
}
