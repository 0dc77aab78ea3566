import { Queue, QueueEvents } from 'bullmq';

export interface ApplyProgress {
  applied: number;
  total: number;
}

/** What the job returns when the attempt ends `success`. */
export interface AppliedAttempt {
  migration_id: string;
  status: 'success';
  details: string;
}

export type ApplyResult = { applied: AppliedAttempt } | { failed: string };

/**
 * BSS applies one stored definition (`tenant_schema_id`) through the queue and follows it to
 * its end. The job it adds is the attempt: the service records it (`pending`) and applies it
 * in that same job, so the job's progress, log and outcome are the attempt's.
 */
export async function applyTenantSchema(
  redis: { url: string; prefix: string },
  tenantSchemaId: string,
  onProgress: (progress: ApplyProgress) => void = () => undefined,
): Promise<ApplyResult> {
  const connection = { url: redis.url };
  const queue = new Queue('schema-apply', { connection, prefix: redis.prefix });
  const events = new QueueEvents('schema-apply', { connection, prefix: redis.prefix });
  try {
    await events.waitUntilReady(); // listen before adding, so that no event is missed
    const job = await queue.add('apply', { tenant_schema_id: tenantSchemaId, applied_by: 'service:billing' });
    // Statements applied so far; job.progress holds the latest too.
    events.on('progress', ({ jobId, data }) => {
      if (jobId === job.id) onProgress(data as ApplyProgress);
    });
    try {
      return { applied: (await job.waitUntilFinished(events)) as AppliedAttempt };
    } catch (error) {
      // A failed attempt fails its job, once (no retries): the reason is the record's details,
      // with the SQLSTATE, PostgreSQL's message and the failing statement.
      return { failed: (error as Error).message };
    }
  } finally {
    await events.close();
    await queue.close();
  }
}
