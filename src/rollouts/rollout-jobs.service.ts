import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AttemptsRepository } from '../audit/attempts.repository.js';
import { ConflictError, InvalidInputError } from '../common/domain-errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DryRunService } from '../dry-run/dry-run.service.js';
import { type Rollout, type RolloutRequest, RolloutsService } from './rollouts.service.js';
import { ROLLOUT_JOB, type RolloutJobData, ROLLOUTS_QUEUE } from './rollouts.queue.js';

export const ROLLOUT_ACTIONS = ['pause', 'resume', 'cancel', 'retry-failed'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];
const ACTIONS: Record<RolloutAction, (rollouts: RolloutsService, id: string) => Promise<{ rollout: Rollout; logLine: string }>> = {
  pause: (r, id) => r.pause(id),
  resume: (r, id) => r.resume(id),
  cancel: (r, id) => r.cancel(id),
  'retry-failed': (r, id) => r.retryFailed(id),
};

/**
 * Owns the rollouts queue: each rollout is one job (id = rollout id) that drives it. Every
 * enqueue, wake-up and log line of a rollout job goes through here.
 */
@Injectable()
export class RolloutJobs {
  private readonly logger = new Logger(RolloutJobs.name);

  constructor(
    @InjectQueue(ROLLOUTS_QUEUE) readonly queue: Queue<RolloutJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly attempts: AttemptsRepository,
    private readonly rollouts: RolloutsService,
    private readonly dryRuns: DryRunService,
  ) {}

  /** Records the rollout (paused if its dry run found a problem) and starts its job. */
  async create(request: RolloutRequest & { dryRunFirst: boolean }): Promise<Rollout> {
    const dryRun = request.dryRunFirst ? await this.dryRunFirst(request) : undefined;
    const rollout = await this.rollouts.create({ ...request, pausedBecause: dryRun?.problem });
    this.logger.log({ msg: `rollout created: ${rollout.row.total} tenant(s) to version ${rollout.row.target_version}`, rollout_id: rollout.row.rollout_id, status: rollout.row.status });
    await this.start(rollout, dryRun?.line);
    return rollout;
  }

  /** Adds the rollout's job (again, if Redis lost it or it had finished); a no-op while it exists. */
  async start(rollout: Rollout, firstLine?: string): Promise<void> {
    const { rollout_id: id, target_version, total } = rollout.row;
    try {
      const existing = await this.queue.getJob(id);
      const state = existing ? await existing.getState() : 'missing';
      if (state === 'completed' || state === 'failed') await existing!.remove();
      else if (state !== 'missing' && state !== 'unknown') return this.wake(id);
      const job = await this.queue.add(ROLLOUT_JOB, { rollout_id: id, target_version, total }, { jobId: id });
      await job.log(`rollout of ${total} tenant(s) to version ${target_version}`);
      if (firstLine) await job.log(firstLine);
    } catch (error) {
      // The sweep adds it once Redis answers again; the rollout itself is safe in PostgreSQL.
      this.logger.warn({ msg: `rollout job deferred to the sweep: ${(error as Error).message}`, rollout_id: id });
    }
  }

  /** After an operator's action: its line in the job's log, and the job woken to act on it. */
  async acted(rolloutId: string, line: string): Promise<void> {
    this.logger.log({ msg: line, rollout_id: rolloutId });
    try {
      const job = await this.queue.getJob(rolloutId);
      if (!job || (await job.isCompleted()) || (await job.isFailed())) return await this.start(await this.rollouts.find(rolloutId), line);
      await job.log(line);
      await this.wake(rolloutId);
    } catch (error) {
      this.logger.warn({ msg: `could not reach the rollout job: ${(error as Error).message}`, rollout_id: rolloutId });
    }
  }

  /**
   * An operator's action on a rollout (from the API or the fleet page): the change, committed,
   * then its line in the job's log and the job woken to act on it. 409 when the status forbids it.
   */
  async act(action: RolloutAction, rolloutId: string): Promise<Rollout> {
    const { rollout, logLine } = await ACTIONS[action](this.rollouts, rolloutId);
    await this.acted(rolloutId, logLine);
    return rollout;
  }

  /** Brings a waiting (delayed) rollout job forward: something it waits for has happened. */
  async wake(rolloutId: string): Promise<void> {
    const job = await this.queue.getJob(rolloutId);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }

  /** One dry run on the rollout's first tenant; a problem (it would fail, or rewrite a large table) pauses the rollout. */
  private async dryRunFirst(request: RolloutRequest): Promise<{ problem?: string; line: string }> {
    const tenantId = request.tenantIds?.[0] ?? (await this.rollouts.firstTenantBelow(request.targetVersion));
    if (!tenantId) return { line: 'dry run: no tenant to try it on' };
    const step = await this.attempts.nextDefinition(tenantId, request.targetVersion);
    if (!step) return { line: `dry run: tenant ${tenantId} has no next version up to ${request.targetVersion} to try` };
    const on = `dry run on tenant ${tenantId} (version ${step.version})`;
    let result;
    try {
      result = await this.dryRuns.dryRun(step.schema_id);
    } catch (error) {
      // A busy tenant: no dry run, so no confidence; a non-transactional version cannot be dry-run at all.
      if (error instanceof ConflictError) return { problem: `${on} not possible: ${error.message}`, line: `${on} not possible: ${error.message}` };
      if (error instanceof InvalidInputError) return { line: `${on} skipped: ${error.message}` };
      throw error;
    }
    const { plan, largestRewrite } = result;
    if (plan.would === 'failed') return { problem: `${on} would fail: ${plan.details}`, line: `${on} would fail` };
    const limit = this.config.dryRunRewriteRows;
    if (largestRewrite && largestRewrite.rows > limit) {
      const problem = `${on} would rewrite table ${largestRewrite.table} (${largestRewrite.rows} rows, more than DRY_RUN_REWRITE_ROWS ${limit})`;
      return { problem, line: problem };
    }
    return { line: `${on} would succeed${largestRewrite ? ` (largest rewrite: ${largestRewrite.table}, ${largestRewrite.rows} rows)` : ''}` };
  }
}
