import { Queue } from 'bullmq';
import { APPLY_JOB, SCHEMA_APPLY_QUEUE } from '../src/schema-apply/schema-apply.queue.js';
import { defineVersions, ended, requestApply, tablesOf, tenantSchema } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';
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

  const progressOf = async (jobId: string) => ((await queue.getJob(jobId))?.progress ?? {}) as { applied?: number };

  it('runs one attempt per tenant at a time across two processes, while tenants run in parallel', async () => {
    const [w1, w2] = [await spawnWorker({ WORKER_CONCURRENCY: '2' }), await spawnWorker({ WORKER_CONCURRENCY: '2' })];
    const version = (n: number) =>
      `INSERT INTO log (version, phase) VALUES (${n}, 'start');
       INSERT INTO log (version, phase) SELECT ${n}, 'sleep' FROM pg_sleep(0.3);
       INSERT INTO log (version, phase) VALUES (${n}, 'end')`;
    const ddls = ['CREATE TABLE log (version int, phase text, at timestamptz DEFAULT clock_timestamp())', version(2), version(3), version(4)];
    const tenants = [await defineVersions(t, ddls), await defineVersions(t, ddls)];
    const items = tenants.flatMap((tenant) => tenant.schemaIds.map((id) => ({ tenant_schema_id: id })));
    const res = await t.http().post('/v1/migrations/bulk').set(bearer(TOKENS.writer)).send({ items }).expect(202);
    const ids: string[] = res.body.results.map((r: { migration_id: string }) => r.migration_id);
    // A second delivery of the same attempts, racing the first: the tenant lock and re-check make it a no-op.
    await queue.addBulk(
      ids.map((id, i) => ({ name: APPLY_JOB, data: { tenant_schema_id: items[i].tenant_schema_id, migration_id: id }, opts: { jobId: `dup-${id}` } })),
    );
    for (const id of ids) expect((await ended(db, id, 60_000)).status).toBe('success');

    const windows: { start: Date; end: Date }[][] = [];
    for (const tenant of tenants) {
      const { rows } = await db.query(
        `SELECT version, min(at) AS start, max(at) AS "end", count(*)::int AS n FROM ${tenantSchema(tenant.tenantId)}.log GROUP BY version ORDER BY version`,
      );
      // Every version's statements ran exactly once.
      expect(rows.map((r) => [r.version, r.n])).toEqual([
        [2, 3],
        [3, 3],
        [4, 3],
      ]);
      // One tenant's attempts never overlap: each starts after the previous one ended.
      for (let i = 1; i < rows.length; i++) expect(rows[i].start.getTime()).toBeGreaterThan(rows[i - 1].end.getTime());
      windows.push(rows);
    }
    // The two tenants did overlap: some attempt of one ran while an attempt of the other ran.
    const overlaps = windows[0].some((a) => windows[1].some((b) => a.start < b.end && b.start < a.end));
    expect(overlaps).toBe(true);
    // Both processes took part.
    const processedBy = new Set<string>();
    for (const id of ids) processedBy.add((await queue.getJob(id))!.processedBy!);
    expect(processedBy.size).toBe(2);
    await Promise.all([stop(w1), stop(w2)]);
  }, 90_000);

  it('finishes an attempt exactly once after its worker is killed with SIGKILL mid-apply', async () => {
    const first = await spawnWorker({ WORKER_CONCURRENCY: '1' });
    const { tenantId, schemaIds } = await defineVersions(t, [
      `CREATE TABLE slow_log (n int);
       INSERT INTO slow_log SELECT 1 FROM pg_sleep(2);
       CREATE TABLE after_sleep (id int)`,
    ]);
    const { migration_id } = await requestApply(t, schemaIds[0]);
    await waitFor('statement 1 to be applied', async () => ((await progressOf(migration_id)).applied ?? 0) >= 1);
    first.child.kill('SIGKILL');
    await first.exited;
    const during = await db.query('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [migration_id]);
    expect(during.rows[0].status).toBe('pending');

    await spawnWorker({ WORKER_CONCURRENCY: '1' });
    const record = await ended(db, migration_id, 60_000);
    expect(record.status).toBe('success');
    const records = await db.query('SELECT status FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [schemaIds[0]]);
    expect(records.rows).toEqual([{ status: 'success' }]);
    expect(await tablesOf(db, tenantId)).toEqual(['after_sleep', 'slow_log']);
    const applied = await db.query(`SELECT count(*)::int AS n FROM ${tenantSchema(tenantId)}.slow_log`);
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
    await waitFor('statement 1 to be applied', async () => ((await progressOf(migration_id)).applied ?? 0) >= 1);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    // No other worker runs: the stopping process itself finished the attempt.
    const record = await db.query('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [migration_id]);
    expect(record.rows[0].status).toBe('success');
    expect(await (await queue.getJob(migration_id))!.getState()).toBe('completed');
  }, 60_000);
});
