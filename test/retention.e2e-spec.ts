import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { RETENTION_QUEUE, RETENTION_SCHEDULER_ID } from '../src/retention/retention.queue.js';
import { insertMigrationRecord } from './factories/migration-record.factory.js';
import { insertTenantSchema } from './factories/tenant-schema.factory.js';
import { testPool } from './support/db.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startWorker, type WorkerProcess, workerReady } from './support/worker-process.js';

const OLD = '2020-01-01T00:00:00Z';

interface PurgeBody {
  cutoff: string;
  deleted: number;
}
interface RetentionBody {
  policy: { days: number; cron: string; batch_size: number };
  last_run: { outcome: string; trigger: string; error: string | null; deleted: number; duration_ms: number; cutoff: string };
}
const recent = () => new Date(Date.now() - 60 * 60 * 1000).toISOString();

describe('retention', () => {
  const db = testPool();
  let t: TestApp;
  const admin = bearer(TOKENS.admin);

  beforeAll(async () => {
    // APP_ENV=test keeps 1 day.
    t = await createTestApp({ APP_ROLE: 'api' });
  });
  afterAll(async () => {
    await t.close();
    await db.end();
  });

  /** A tenant with history: old v1 success and failure, old v2 success (the latest), old pending v3, a recent failure. */
  const tenantWithHistory = async () => {
    const tenantId = randomUUID();
    const [v1, v2, v3] = [
      await insertTenantSchema(db, { tenant_id: tenantId, version: 1 }),
      await insertTenantSchema(db, { tenant_id: tenantId, version: 2 }),
      await insertTenantSchema(db, { tenant_id: tenantId, version: 3 }),
    ];
    const rows = {
      oldFailure: await insertMigrationRecord(db, v1, { status: 'failed', created_at: OLD }),
      oldSuccess: await insertMigrationRecord(db, v1, { status: 'success', created_at: OLD }),
      latestSuccess: await insertMigrationRecord(db, v2, { status: 'success', created_at: OLD }),
      oldPending: await insertMigrationRecord(db, v3, { status: 'pending', created_at: OLD }),
      recentFailure: await insertMigrationRecord(db, v3, { status: 'failed', created_at: recent() }),
    };
    return { tenantId, rows };
  };
  const survivors = async (tenantId: string) =>
    (
      await db.query<{ migration_id: string }>(
        'SELECT migration_id FROM business_store_service.schema_migrations WHERE tenant_id = $1 ORDER BY created_at, version_applied',
        [tenantId],
      )
    ).rows.map((r) => r.migration_id);

  it('keeps pending records, each tenant\'s latest success and everything inside the window', async () => {
    const { tenantId, rows } = await tenantWithHistory();
    const version = async () =>
      (await t.http().get(`/v1/tenants/${tenantId}/schema-version`).set(bearer(TOKENS.reader)).expect(200)).body as { current_version: number };
    const versionBefore = await version();
    expect(versionBefore.current_version).toBe(2);

    const purged = (await t.http().post('/v1/retention/purge').set(admin).expect(200)).body as PurgeBody;
    expect(purged.deleted).toBeGreaterThanOrEqual(2);
    expect(Date.parse(purged.cutoff)).toBeGreaterThan(Date.now() - 24 * 3600 * 1000 - 60_000);
    expect(await survivors(tenantId)).toEqual([rows.latestSuccess.migration_id, rows.oldPending.migration_id, rows.recentFailure.migration_id]);
    // The proof of the current version survives: schema-version answers the same.
    expect(await version()).toEqual(versionBefore);
  });

  it('counts without deleting on a dry run, and the real purge deletes exactly that many', async () => {
    const { tenantId } = await tenantWithHistory();
    const before = await survivors(tenantId);
    const dry = (await t.http().post('/v1/retention/purge?dry_run=true').set(admin).expect(200)).body as PurgeBody;
    expect(dry.deleted).toBeGreaterThanOrEqual(2);
    expect(await survivors(tenantId)).toEqual(before);
    const real = (await t.http().post('/v1/retention/purge?dry_run=false').set(admin).expect(200)).body as PurgeBody;
    expect(real.deleted).toBe(dry.deleted);
    expect((await survivors(tenantId)).length).toBe(before.length - 2);
    await t.http().post('/v1/retention/purge?dry_run=maybe').set(admin).expect(400);
  });

  it('needs the admin scope', async () => {
    await t.http().post('/v1/retention/purge').expect(401);
    await t.http().post('/v1/retention/purge').set(bearer(TOKENS.writer)).expect(403);
    await t.http().get('/v1/retention').set(bearer(TOKENS.reader)).expect(403);
  });

  it('reports the policy and the last run, kept across restarts', async () => {
    await t.http().post('/v1/retention/purge').set(admin).expect(200);
    const restarted = await createTestApp({ APP_ROLE: 'api', RETENTION_CRON: '15 4 * * *', RETENTION_BATCH_SIZE: '250' });
    try {
      const body = (await restarted.http().get('/v1/retention').set(admin).expect(200)).body as RetentionBody;
      expect(body.policy).toEqual({ days: 1, cron: '15 4 * * *', batch_size: 250 });
      expect(body.last_run).toMatchObject({ outcome: 'success', trigger: 'api', error: null, deleted: expect.any(Number) as unknown });
      expect(body.last_run.duration_ms).toBeGreaterThanOrEqual(0);
      expect(Date.parse(body.last_run.cutoff)).not.toBeNaN();
    } finally {
      await restarted.close();
    }
  });

  it('keeps everything when RETENTION_DAYS is 0', async () => {
    const keepAll = await createTestApp({ APP_ROLE: 'api', RETENTION_DAYS: '0' });
    try {
      const { tenantId } = await tenantWithHistory();
      const before = await survivors(tenantId);
      expect((await keepAll.http().post('/v1/retention/purge').set(admin).expect(200)).body).toEqual({ cutoff: null, deleted: 0 });
      expect(await survivors(tenantId)).toEqual(before);
    } finally {
      await keepAll.close();
    }
  });
});

describe('scheduled retention with two instances', () => {
  const db = testPool();
  const queue = new Queue(RETENTION_QUEUE, { connection: { url: process.env.REDIS_URL! }, prefix: process.env.QUEUE_PREFIX! });
  const workers: WorkerProcess[] = [];
  const stopAll = async () => {
    for (const w of workers.splice(0)) {
      w.child.kill('SIGTERM');
      await w.exited;
    }
  };
  afterAll(async () => {
    await stopAll();
    await queue.close();
    await db.end();
  });

  it('purges by itself every tick, once, from one scheduler entry that follows a changed cron', async () => {
    const since = new Date();
    for (let i = 0; i < 2; i++) workers.push(startWorker({ RETENTION_CRON: '*/2 * * * * *' }));
    await Promise.all(workers.map((w) => workerReady(w)));
    const schema = await insertTenantSchema(db);
    const expired = await insertMigrationRecord(db, schema, { status: 'failed', created_at: OLD });
    await waitFor(
      'the scheduled purge to delete the expired record',
      async () => (await db.query('SELECT 1 FROM business_store_service.schema_migrations WHERE migration_id = $1', [expired.migration_id])).rowCount === 0,
      30_000,
    );
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern])).toEqual([[RETENTION_SCHEDULER_ID, '*/2 * * * * *']]);
    const run = await db.query(`SELECT trigger, outcome FROM business_store_service.retention_runs ORDER BY started_at DESC LIMIT 1`);
    expect(run.rows[0]).toEqual({ trigger: 'schedule', outcome: 'success' });
    // One run per tick, not one per instance: with two instances, scheduled runs still start a
    // tick (2 s) apart, never together. At least two runs, so that there is a gap to measure.
    const starts = await waitFor(
      'a second scheduled run',
      async () => {
        const { rows } = await db.query<{ started_at: Date }>(
          `SELECT started_at FROM business_store_service.retention_runs WHERE trigger = 'schedule' AND started_at >= $1 ORDER BY started_at`,
          [since],
        );
        return rows.length >= 2 && rows;
      },
      30_000,
    );
    for (let i = 1; i < starts.length; i++) expect(starts[i].started_at.getTime() - starts[i - 1].started_at.getTime()).toBeGreaterThan(500);

    // A new deployment with another cron: the same single entry now carries it.
    await stopAll();
    workers.push(startWorker({ RETENTION_CRON: '*/3 * * * * *' }));
    await workerReady(workers[0]);
    await waitFor('the scheduler to follow the new cron', async () => (await queue.getJobSchedulers())[0]?.pattern === '*/3 * * * * *');
    expect((await queue.getJobSchedulers()).length).toBe(1);
  }, 60_000);
});
