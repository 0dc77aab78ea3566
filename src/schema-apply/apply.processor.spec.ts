import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { ApplyAttempt } from '../apply/apply-attempt.usecase.js';
import type { ApplyOutcome } from '../apply/apply.types.js';
import { ATTEMPT_ENDED } from '../apply/attempt-events.js';
import type { AttemptsRepository } from '../audit/attempts.repository.js';
import type { AttemptsService } from '../audit/attempts.service.js';
import type { MigrationRow } from '../audit/migration-record.row.js';
import { loadConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ApplyProcessor } from './apply.processor.js';
import type { ApplyJobData } from './schema-apply.queue.js';
import type { SchemaApplyProducer } from './schema-apply.producer.js';

const MIGRATION_ID = 'f1e2d3c4-b5a6-4890-8321-abcdef123456';
const config = loadConfig({ APP_ENV: 'test', APPLY_MAX_TRIES: '3' });

/** A job as the worker hands it over, recording what the processor does to it. */
function fakeJob(data: Partial<ApplyJobData> = {}) {
  const job = {
    id: 'job-1',
    data: { tenant_schema_id: 'a1b2c3d4-e5f6-4890-9234-567890abcdef', migration_id: MIGRATION_ID, ...data } as ApplyJobData,
    delayedUntil: undefined as number | undefined,
    lines: [] as string[],
    updateData: (next: ApplyJobData) => Promise.resolve(void (job.data = next)),
    log: (line: string) => Promise.resolve(job.lines.push(line)),
    updateProgress: () => Promise.resolve(),
    moveToDelayed: (at: number) => Promise.resolve(void (job.delayedUntil = at)),
    promote: () => Promise.resolve(),
  };
  return job;
}

/** The processor over the real use case, whose database work (one try, giving up) is stubbed. */
function processor(apply: (finalTry: boolean) => Promise<ApplyOutcome>, giveUp: () => Promise<ApplyOutcome> = () => Promise.reject(new Error('unreachable'))) {
  const finalTries: boolean[] = [];
  const row = { migration_id: MIGRATION_ID, status: 'success', details: 'Applied schema version 1.' } as MigrationRow;
  const repository = { findRow: () => Promise.resolve(row), isReady: () => Promise.resolve(false) } as unknown as AttemptsRepository;
  const producer = { promote: () => Promise.resolve() } as unknown as SchemaApplyProducer;
  const attempts = {} as AttemptsService;
  const events = new EventEmitter2();
  const announced: unknown[] = [];
  events.on(ATTEMPT_ENDED, (event) => announced.push(event));
  const useCase = new ApplyAttempt(null as never, config, repository, null as never, null as never, new MetricsService(), events);
  Object.assign(useCase, {
    attempt: (_id: string, _reporter: unknown, tries: { finalTry: boolean }) => {
      finalTries.push(tries.finalTry);
      return apply(tries.finalTry);
    },
    giveUp,
  });
  return { finalTries, announced, processor: new ApplyProcessor(useCase, attempts, repository, producer, config) };
}

const run = (p: ApplyProcessor, job: ReturnType<typeof fakeJob>) => p.process(job as unknown as Job<ApplyJobData>, 'token');
const ended = (status: 'success' | 'failed', details: string): ApplyOutcome => ({ kind: 'ended', status, details, tenantId: 't', statements: 1, waiting: [] });

describe('ApplyProcessor', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(true);
  });

  it('completes the job with the record of a successful attempt', async () => {
    const { processor: p, announced } = processor(() => Promise.resolve(ended('success', 'Applied schema version 1.')));
    await expect(run(p, fakeJob())).resolves.toEqual({ migration_id: MIGRATION_ID, status: 'success', details: 'Applied schema version 1.' });
    // Announced, so that a rollout that made the attempt wakes up.
    expect(announced).toEqual([{ migrationId: MIGRATION_ID, tenantId: 't', status: 'success' }]);
  });

  it('fails the job, unrecoverably, with the details of a failed attempt', async () => {
    const { processor: p } = processor(() => Promise.resolve(ended('failed', 'Failed at statement 1 of 1 (SQLSTATE 42P01): ...')));
    const error = await run(p, fakeJob()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('Failed at statement 1 of 1 (SQLSTATE 42P01): ...');
  });

  it('reports the real outcome of a record that had already ended', async () => {
    const { processor: p } = processor(() => Promise.resolve(({ kind: 'already-ended', status: 'success' })));
    await expect(run(p, fakeJob())).resolves.toEqual({ migration_id: MIGRATION_ID, status: 'success', details: 'Applied schema version 1.' });
  });

  it('counts a transient fault in the job and delays it with a backoff, never failing it', async () => {
    const { processor: p, finalTries } = processor(() => Promise.reject(new Error('Connection terminated unexpectedly')));
    const job = fakeJob({ tries: 1 });
    const before = Date.now();
    await expect(run(p, job)).rejects.toBeInstanceOf(DelayedError);
    expect(finalTries).toEqual([false]);
    expect(job.data.tries).toBe(2);
    expect(job.delayedUntil! - before).toBeGreaterThanOrEqual(2000);
    expect(job.lines).toEqual(['try 2 of 3 hit a transient fault: Connection terminated unexpectedly; next try in 2 s']);
  });

  it('on the last try, gives up: the record ends failed naming the fault, and the job fails with it', async () => {
    const reason = 'Gave up after 3 tries: Connection terminated unexpectedly';
    const { processor: p, finalTries } = processor(
      () => Promise.reject(new Error('Connection terminated unexpectedly')),
      () => Promise.resolve(ended('failed', reason)),
    );
    await expect(run(p, fakeJob({ tries: 2 }))).rejects.toEqual(new UnrecoverableError(reason));
    expect(finalTries).toEqual([true]);
  });

  it('keeps the job delayed, at a capped backoff, while even giving up cannot be recorded', async () => {
    const { processor: p, finalTries } = processor(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
    const job = fakeJob({ tries: 20 });
    const before = Date.now();
    await expect(run(p, job)).rejects.toBeInstanceOf(DelayedError);
    expect(finalTries).toEqual([true]);
    expect(job.data.tries).toBe(21);
    expect(job.delayedUntil! - before).toBeLessThanOrEqual(60_000 + 1000);
    expect(job.delayedUntil! - before).toBeGreaterThanOrEqual(59_000);
    expect(job.lines).toEqual(['the attempt cannot be ended yet: connect ECONNREFUSED 127.0.0.1:5432; next try in 60 s']);
  });

  it('refuses, once, a job whose migration_id is not a UUID', async () => {
    const { processor: p, finalTries } = processor(() => Promise.resolve(ended('success', 'x')));
    await expect(run(p, fakeJob({ migration_id: 'nope' }))).rejects.toEqual(new UnrecoverableError('migration_id must be a UUID'));
    expect(finalTries).toEqual([]);
  });
});
