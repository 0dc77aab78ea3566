import { Queue } from 'bullmq';
import { APPLY_JOB, SCHEMA_APPLY_QUEUE } from '../src/schema-apply/schema-apply.queue.js';
import { defineVersions, ended, requestApply, tablesOf, tenantSchema } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startWorker, type WorkerProcess, workerReady } from './support/worker-process.js';

/** Separate worker processes (APP_ROLE=worker) behind an API-only app, as deployed. */
describe('worker processes', () => {
  const db = testPool();
  const queue = new Queue(SCHEMA_APPLY_QUEUE, { connection: { url: process.env.REDIS_URL! }, prefix: process.env.QUEUE_PREFIX! });
  let t: TestApp;
  const workers: WorkerProcess[] = [];

  const spawnWorker = async (env: Record<string, string> = {}) => {
    const worker = startWorker(env);
    workers.push(worker);
    await workerReady(worker);
    return worker;
  };
  const stop = async (worker: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM') => {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
    return worker.exited;
  };

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => stop(w, 'SIGKILL')));
  });
  afterAll(async () => {
    await queue.close();
    await t.close();
    await db.end();
  });

  /** Whether a statement containing `text` is running now (the apply is mid-way through it). */
  const running = async (text: string) =>
    ((
      await db.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() AND strpos(query, $1) > 0`,
        [text],
      )
    ).rowCount ?? 0) > 0;

  it('runs one attempt per tenant at a time across two processes, while tenants run in parallel', async () => {
    // One job at a time per process, so a blocked apply pins its process and other work must go to the other.
    const env = { WORKER_CONCURRENCY: '1', APPLY_LOCK_TIMEOUT_MS: '60000' };
    const [w1, w2] = [await spawnWorker(env), await spawnWorker(env)];
    const log = (n: number) => `INSERT INTO log (version) VALUES (${n})`;
    const a = await defineVersions(t, ['CREATE TABLE log (version int, at timestamptz DEFAULT clock_timestamp())', log(2)]);
    const b = await defineVersions(t, ['CREATE TABLE log (version int, at timestamptz DEFAULT clock_timestamp())', log(2)]);
    for (const tenant of [a, b]) expect((await ended(db, (await requestApply(t, tenant.schemaIds[0])).migration_id)).status).toBe('success');

    // Tenant A's version 2 blocks inside its apply (holding A's tenant lock) on a table lock we hold.
    const blocker = await db.connect();
    await blocker.query(`BEGIN; LOCK TABLE ${tenantSchema(a.tenantId)}.log IN ACCESS EXCLUSIVE MODE`);
    try {
      const aV2 = await requestApply(t, a.schemaIds[1]);
      await waitFor('A v2 to block on the table lock', async () => {
        const { rows } = await db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND strpos(query, 'INSERT INTO log') > 0`,
        );
        return rows.length === 1;
      });
      // Tenant B is not held up by A: its version 2 succeeds on the other process.
      const bV2 = await requestApply(t, b.schemaIds[1]);
      expect((await ended(db, bV2.migration_id)).status).toBe('success');
      // A second delivery of A's attempt, now on the other process, cannot take A's tenant lock: it parks.
      const duplicate = await queue.add(APPLY_JOB, { tenant_schema_id: a.schemaIds[1], migration_id: aV2.migration_id }, { jobId: `dup-${aV2.migration_id}` });
      await waitFor('the duplicate delivery to park', async () => (await duplicate.getState()) === 'delayed');
      const pendingA = await db.query<{ status: string }>('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [aV2.migration_id]);
      expect(pendingA.rows[0].status).toBe('pending');
      await blocker.query('COMMIT');

      expect((await ended(db, aV2.migration_id)).status).toBe('success');
      await waitFor('the duplicate delivery to finish as a no-op', async () => (await duplicate.getState()) === 'completed', 30_000);
      // It reports the record's real outcome, as the attempt's own job does.
      expect((await queue.getJob(duplicate.id!))!.returnvalue).toEqual((await queue.getJob(aV2.migration_id))!.returnvalue);
      const { details } = await ended(db, aV2.migration_id);
      expect((await queue.getJob(duplicate.id!))!.returnvalue).toEqual({ migration_id: aV2.migration_id, status: 'success', details });
      const jobA = (await queue.getJob(aV2.migration_id))!;
      const jobB = (await queue.getJob(bV2.migration_id))!;
      expect(jobA.processedBy).toBeDefined();
      expect(jobB.processedBy).toBeDefined();
      expect(jobA.processedBy).not.toBe(jobB.processedBy);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
    // A's version 2 ran exactly once.
    const rows = await db.query(`SELECT version, count(*)::int AS n FROM ${tenantSchema(a.tenantId)}.log GROUP BY version`);
    expect(rows.rows).toEqual([{ version: 2, n: 1 }]);
    await Promise.all([stop(w1), stop(w2)]);
  }, 120_000);

  it('finishes an attempt exactly once after its worker is killed with SIGKILL mid-apply', async () => {
    const first = await spawnWorker({ WORKER_CONCURRENCY: '1' });
    const { tenantId, schemaIds } = await defineVersions(t, [
      `CREATE TABLE slow_log (n int);
       INSERT INTO slow_log SELECT 1 FROM pg_sleep(2);
       CREATE TABLE after_sleep (id int)`,
    ]);
    const { migration_id } = await requestApply(t, schemaIds[0]);
    await waitFor('statement 2 to be running', async () => running('INSERT INTO slow_log'));
    first.child.kill('SIGKILL');
    await first.exited;
    const during = await db.query<{ status: string }>('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [migration_id]);
    expect(during.rows[0].status).toBe('pending');

    await spawnWorker({ WORKER_CONCURRENCY: '1' });
    const record = await ended(db, migration_id, 60_000);
    expect(record.status).toBe('success');
    const records = await db.query<{ status: string }>('SELECT status FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [schemaIds[0]]);
    expect(records.rows).toEqual([{ status: 'success' }]);
    expect(await tablesOf(db, tenantId)).toEqual(['after_sleep', 'slow_log']);
    const applied = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tenantSchema(tenantId)}.slow_log`);
    expect(applied.rows[0].n).toBe(1);
  }, 90_000);

  it('on SIGTERM stops taking jobs, finishes the running apply and exits cleanly', async () => {
    const worker = await spawnWorker({ WORKER_CONCURRENCY: '1' });
    const { schemaIds } = await defineVersions(t, [
      `CREATE TABLE graceful (n int);
       INSERT INTO graceful SELECT 1 FROM pg_sleep(1);
       CREATE TABLE graceful_done (id int)`,
    ]);
    const { migration_id } = await requestApply(t, schemaIds[0]);
    await waitFor('statement 2 to be running', async () => running('INSERT INTO graceful'));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    // No other worker runs: the stopping process itself finished the attempt.
    const record = await db.query<{ status: string }>('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [migration_id]);
    expect(record.rows[0].status).toBe('success');
    expect(await (await queue.getJob(migration_id))!.getState()).toBe('completed');
  }, 60_000);
});
