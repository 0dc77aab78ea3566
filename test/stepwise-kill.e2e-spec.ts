import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { SCHEMA_APPLY_QUEUE } from '../src/schema-apply/schema-apply.queue.js';
import { ended, tenantSchema } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startWorker, type WorkerProcess, workerReady } from './support/worker-process.js';

/** A worker killed with SIGKILL in the middle of a long CREATE INDEX CONCURRENTLY (transactional: false). */
describe('a non-transactional definition whose worker dies mid-statement', () => {
  const db = testPool();
  const queue = new Queue(SCHEMA_APPLY_QUEUE, { connection: { url: process.env.REDIS_URL! }, prefix: process.env.QUEUE_PREFIX! });
  let t: TestApp;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await queue.close();
    await t.close();
    await db.end();
  });

  const define = async (tenantId: string, version: number, ddl: string, transactional: boolean) =>
    ((await t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.trusted)).send({ tenant_id: tenantId, version, ddl, policy: 'trusted', transactional }).expect(201)).body as { schema_id: string })
      .schema_id;
  const apply = async (schemaId: string) =>
    ((await t.http().post('/v1/migrations').set(bearer(TOKENS.writer)).send({ tenant_schema_id: schemaId }).expect(202)).body as { migration_id: string }).migration_id;

  it('continues after a restart: the index ends valid, the record ends success once, no statement ran twice to completion', async () => {
    const worker = () => {
      const w = startWorker({ WORKER_CONCURRENCY: '2', APPLY_STATEMENT_TIMEOUT_MS: '120000' });
      workers.push(w);
      return w;
    };
    const first = worker();
    await workerReady(first);
    const tenantId = randomUUID();
    const schema = tenantSchema(tenantId);
    const v1 = await define(tenantId, 1, 'CREATE TABLE big (id bigint, val double precision); INSERT INTO big SELECT g, random() FROM generate_series(1, 3000000) g; CREATE TABLE marks (what text)', true);
    expect((await ended(db, await apply(v1), 60_000)).status).toBe('success');
    const v2 = await define(tenantId, 2, "INSERT INTO marks VALUES ('before'); CREATE INDEX CONCURRENTLY big_val_idx ON big (val); INSERT INTO marks VALUES ('after')", false);
    const migrationId = await apply(v2);

    await waitFor(
      'the concurrent build to run',
      async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'CREATE INDEX CONCURRENTLY big_val_idx%'`)).rowCount === 1,
      30_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const second = worker();
    await workerReady(second);

    const record = await ended(db, migrationId, 90_000);
    expect(record.status).toBe('success');
    const { rows: index } = await db.query(
      `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'big_val_idx'`,
      [schema],
    );
    expect(index).toEqual([{ indisvalid: true }]);
    const { rows: marks } = await db.query(`SELECT what, count(*)::int AS n FROM ${schema}.marks GROUP BY what ORDER BY what`);
    expect(marks).toEqual([
      { what: 'after', n: 1 },
      { what: 'before', n: 1 },
    ]);
    const { rows: attempts } = await db.query('SELECT status FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [v2]);
    expect(attempts).toEqual([{ status: 'success' }]);
    // The continuation said what it found: the interrupted build, dropped and built again (or, had it finished, not built twice).
    const log = (await queue.getJobLogs(migrationId)).logs.join('\n');
    expect(log).toMatch(/continuing at statement 2 of 3/);
    expect(log).toMatch(/index big_val_idx was (left INVALID by an interrupted build; dropping it to build it again|built before an interruption; not building it again)/);
    // The killed try's own lines may not have reached Redis; the continuation never ran statement 1.
    expect((log.match(/statement 1 of 3 applied/g) ?? []).length).toBeLessThanOrEqual(1);
  }, 180_000);
});
