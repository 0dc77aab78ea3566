import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { NotFoundError } from '../common/domain-errors.js';
import { DriftChecks, type DriftCheckRow } from './drift-checks.service.js';
import { DriftService, type TenantDrift } from './drift.service.js';
import { DRIFT_QUEUE, type DriftCheckJobData } from './drift.queue.js';

/** Tenants checked per batch: one description query and one write each. */
const BATCH = 200;

export type DriftCheckCounts = Pick<DriftCheckRow, 'total' | 'in_sync' | 'drifted' | 'skipped'>;
const countsOf = ({ total, in_sync, drifted, skipped }: DriftCheckRow): DriftCheckCounts => ({ total, in_sync, drifted, skipped });

/** Runs one fleet drift check: its queued tenants in batches, the counts as the job's progress. */
@Processor(DRIFT_QUEUE)
export class DriftCheckProcessor extends WorkerHost {
  private readonly logger = new Logger(DriftCheckProcessor.name);

  constructor(
    private readonly checks: DriftChecks,
    private readonly drift: DriftService,
  ) {
    super();
  }

  async process(job: Job<DriftCheckJobData>): Promise<{ check_id: string; counts: DriftCheckCounts }> {
    const checkId = job.data.check_id;
    let check = await this.checks.find(checkId).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new UnrecoverableError(error.message) : error;
    });
    const started = Date.now();
    for (let batch = await this.checks.nextQueued(checkId, BATCH); batch.length > 0; batch = await this.checks.nextQueued(checkId, BATCH)) {
      const found = new Map((await this.drift.check(batch)).map((r) => [r.tenant_id, r]));
      const results = batch.map(
        (tenantId): TenantDrift => found.get(tenantId) ?? { tenant_id: tenantId, current_version: null, status: 'skipped', differences: [], details: 'has no definition' },
      );
      check = await this.checks.record(checkId, results);
      await job.updateProgress(countsOf(check)).catch(() => undefined);
    }
    const wasRunning = check.status === 'running';
    check = await this.checks.complete(checkId);
    if (wasRunning) {
      const { total, in_sync, drifted, skipped } = countsOf(check);
      this.logger.log({
        msg: `drift check completed: ${in_sync} in sync, ${drifted} drifted, ${skipped} skipped of ${total}`,
        check_id: checkId,
        total,
        in_sync,
        drifted,
        skipped,
        duration_ms: Date.now() - started,
      });
    }
    return { check_id: checkId, counts: countsOf(check) };
  }

  @OnWorkerEvent('error')
  onError(error: Error) {
    this.logger.warn(`${DRIFT_QUEUE} worker: ${error.message}`);
  }
}
