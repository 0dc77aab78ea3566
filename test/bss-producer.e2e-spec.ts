import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { APPLY_JOB, RECONCILE_QUEUE, SCHEMA_APPLY_QUEUE } from '../src/schema-apply/schema-apply.queue.js';
import { applyTenantSchema, type ApplyProgress } from './examples/bss-producer.example.js';
import { defineVersions, tenantSchema } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startWorker, type WorkerProcess, workerReady } from './support/worker-process.js';

const redis = { url: process.env.REDIS_URL!, prefix: process.env.QUEUE_PREFIX! };
const THREE_TABLES = 'CREATE TABLE p1 (id int); CREATE TABLE p2 (id int); CREATE TABLE p3 (id int)';
const BROKEN = 'ALTER TABLE p1 ADD COLUMN note text; ALTER TABLE missing ADD COLUMN note text';

/** The README's producer, run against the service as deployed in `setup`. */
function producerSuite(name: string, setup: () => Promise<{ app: TestApp; stop: () => Promise<void> }>) {
  describe(name, () => {
    const db = testPool();
    let deployed: { app: TestApp; stop: () => Promise<void> };
    beforeAll(async () => {
      deployed = await setup();
    }, 60_000);
    afterAll(async () => {
      await deployed?.stop();
      await db.end();
    });

    const recordsOf = async (schemaId: string) =>
      (
        await db.query<{ migration_id: string; status: string; details: string | null; applied_by: string | null }>(
          'SELECT migration_id, status, details, applied_by FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1',
          [schemaId],
        )
      ).rows;

    it('follows its own job: progress, then the success as the return value', async () => {
      const { schemaIds } = await defineVersions(deployed.app, [THREE_TABLES]);
      const progress: ApplyProgress[] = [];
      const result = await applyTenantSchema(redis, schemaIds[0], (p) => progress.push(p));
      const [record] = await recordsOf(schemaIds[0]);
      expect(record).toMatchObject({ status: 'success', applied_by: 'service:billing' });
      expect(result).toEqual({
        applied: { migration_id: record.migration_id, status: 'success', details: "Applied schema version 1. Created table 'p1'. Created table 'p2'. Created table 'p3'." },
      });
      expect(progress.at(-1)).toEqual({ applied: 3, total: 3 });
    });

    it("follows its own job to a failed attempt, whose details are the job's failure", async () => {
      const { schemaIds } = await defineVersions(deployed.app, [THREE_TABLES, BROKEN]);
      expect(await applyTenantSchema(redis, schemaIds[0])).toHaveProperty('applied');
      const result = await applyTenantSchema(redis, schemaIds[1]);
      const [record] = await recordsOf(schemaIds[1]);
      expect(record.status).toBe('failed');
      expect(record.details).toBe(
        'Failed at statement 2 of 2 (SQLSTATE 42P01): relation "missing" does not exist. Statement: ALTER TABLE missing ADD COLUMN note text',
      );
      expect(result).toEqual({ failed: record.details });
    });
  });
}

it('the README shows the example as it is run here', () => {
  const example = readFileSync(new URL('./examples/bss-producer.example.ts', import.meta.url), 'utf8').trimEnd();
  expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain(`\`\`\`ts\n${example}\n\`\`\``);
});

producerSuite('a BSS producer with plain BullMQ, one `all` process', async () => {
  const app = await createTestApp();
  return { app, stop: () => app.close() };
});

producerSuite('a BSS producer with plain BullMQ, separate `api` and `worker` processes', async () => {
  const app = await createTestApp({ APP_ROLE: 'api' });
  const worker: WorkerProcess = startWorker();
  await workerReady(worker);
  return {
    app,
    stop: async () => {
      worker.child.kill('SIGTERM');
      await worker.exited;
      await app.close();
    },
  };
});

describe('the reconciler and a job added with plain BullMQ', () => {
  const db = testPool();
  const queue = new Queue(SCHEMA_APPLY_QUEUE, { connection: { url: redis.url }, prefix: redis.prefix });
  const reconcile = new Queue(RECONCILE_QUEUE, { connection: { url: redis.url }, prefix: redis.prefix });
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RECONCILE_EVERY_MS: '1000', APPLY_LOCK_TIMEOUT_MS: '60000' });
  });
  afterAll(async () => {
    await Promise.all([queue.close(), reconcile.close()]);
    await t.close();
    await db.end();
  });

  it('continues its own record on a repeated delivery of a plain job, and ends as that record did', async () => {
    const { schemaIds } = await defineVersions(t, [THREE_TABLES, BROKEN]);
    const records = async () =>
      (
        await db.query<{ migration_id: string; status: string; details: string }>(
          'SELECT migration_id, status, details FROM business_store_service.schema_migrations WHERE tenant_schema_id = ANY($1) ORDER BY version_applied',
          [schemaIds],
        )
      ).rows;
    const good = await queue.add(APPLY_JOB, { tenant_schema_id: schemaIds[0] });
    await waitFor('the first job to complete', async () => good.isCompleted());
    const bad = await queue.add(APPLY_JOB, { tenant_schema_id: schemaIds[1] });
    await waitFor('the second job to fail', async () => bad.isFailed());
    const [applied, failed] = await records();

    // Delivered again, as after a lost lock: each finds its record, applies nothing twice, ends the same.
    await (await queue.getJob(good.id!))!.retry('completed');
    await (await queue.getJob(bad.id!))!.retry('failed');
    const again = await waitFor('the repeated deliveries to end', async () => {
      const [g, b] = [await queue.getJob(good.id!), await queue.getJob(bad.id!)];
      return g && b && (await g.isCompleted()) && (await b.isFailed()) && g.attemptsStarted >= 2 && b.attemptsStarted >= 2 && { g, b };
    });
    expect(again.g.returnvalue).toEqual({ migration_id: applied.migration_id, status: 'success', details: applied.details });
    expect(again.b.failedReason).toBe(failed.details);
    expect(await records()).toEqual([applied, failed]);
  });

  it('leaves a pending attempt alone while its own job (another id) still runs it', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, ['CREATE TABLE slow (id int)', 'ALTER TABLE slow ADD COLUMN note text']);
    expect(await applyTenantSchema(redis, schemaIds[0])).toHaveProperty('applied');
    const blocker = await db.connect();
    await blocker.query(`BEGIN; LOCK TABLE ${tenantSchema(tenantId)}.slow IN ACCESS EXCLUSIVE MODE`);
    try {
      const job = await queue.add(APPLY_JOB, { tenant_schema_id: schemaIds[1] });
      const record = await waitFor('the attempt to be recorded', async () => {
        const { rows } = await db.query('SELECT migration_id, created_at FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [schemaIds[1]]);
        return rows[0] as { migration_id: string; created_at: Date } | undefined;
      });
      expect(record.migration_id).not.toBe(job.id);
      // A reconcile run that began once the record was past its grace (5 s) saw it pending...
      await waitFor(
        'a reconcile run that saw the record',
        async () => (await reconcile.getJobs(['completed'])).some((run) => (run.processedOn ?? 0) > record.created_at.getTime() + 6000),
        30_000,
      );
      expect((await db.query('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [record.migration_id])).rows).toEqual([
        { status: 'pending' },
      ]);
      // ...and gave it no second job: its job is the one BSS added.
      expect(await queue.getJob(record.migration_id)).toBeUndefined();
      expect(await job.getState()).toBe('active');
      await blocker.query('COMMIT');
      await waitFor('the job to complete', async () => job.isCompleted());
      expect((await queue.getJob(job.id!))!.returnvalue).toMatchObject({ migration_id: record.migration_id, status: 'success' });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
  }, 60_000);
});
