import { Queue, QueueEvents } from 'bullmq';
import type pg from 'pg';
import { APPLY_JOB, type ApplyJobData, type ApplyJobResult, SCHEMA_APPLY_QUEUE } from '../src/schema-apply/schema-apply.queue.js';
import { defineVersions, ended, requestApply, tablesOf, tenantSchema } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { PrivateRedis } from './support/redis-server.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

describe('transient faults', () => {
  const db = testPool();
  let t: TestApp;
  let queue: Queue<ApplyJobData, ApplyJobResult>;
  beforeAll(async () => {
    t = await createTestApp({ APPLY_LOCK_TIMEOUT_MS: '200', APPLY_MAX_TRIES: '3' });
    queue = new Queue<ApplyJobData, ApplyJobResult>(SCHEMA_APPLY_QUEUE, { connection: { url: process.env.REDIS_URL! }, prefix: process.env.QUEUE_PREFIX! });
  });
  afterAll(async () => {
    await queue.close();
    await t.close();
    await db.end();
  });

  /** Holds an ACCESS EXCLUSIVE lock on a tenant's table until release() is called. */
  const holdLock = async (table: string) => {
    const client: pg.PoolClient = await db.connect();
    await client.query(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return async () => {
      await client.query('COMMIT');
      client.release();
    };
  };

  it('retries a lock timeout with backoff, keeping the record pending, then succeeds', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, ['CREATE TABLE busy (id int)', 'ALTER TABLE busy ADD COLUMN note text']);
    expect((await ended(db, (await requestApply(t, schemaIds[0])).migration_id)).status).toBe('success');
    const release = await holdLock(`${tenantSchema(tenantId)}.busy`);
    const { migration_id } = await requestApply(t, schemaIds[1]);
    const retrying = await waitFor('a retry after the lock timeout', async () => {
      const job = await queue.getJob(migration_id);
      return (job?.data.tries ?? 0) >= 1 && job;
    });
    // The job waits for its next try (delayed), it has not failed.
    expect(['delayed', 'waiting', 'active']).toContain(await retrying.getState());
    const during = await db.query<{ status: string }>('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [migration_id]);
    expect(during.rows[0].status).toBe('pending');
    const { logs } = await queue.getJobLogs(migration_id);
    expect(logs).toContainEqual(expect.stringMatching(/^try 1 of 3 hit a transient fault: canceling statement due to lock timeout; next try in 1 s$/));
    await release();
    expect((await ended(db, migration_id)).status).toBe('success');
    await waitFor('the job to complete', async () => (await queue.getJob(migration_id))?.isCompleted());
  });

  it('retries a job added with plain BullMQ, without attempts or backoff of its own, as its own job', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, ['CREATE TABLE plain_busy (id int)', 'ALTER TABLE plain_busy ADD COLUMN note text']);
    expect((await ended(db, (await requestApply(t, schemaIds[0])).migration_id)).status).toBe('success');
    const events = new QueueEvents(SCHEMA_APPLY_QUEUE, { connection: { url: process.env.REDIS_URL! }, prefix: process.env.QUEUE_PREFIX! });
    await events.waitUntilReady();
    const release = await holdLock(`${tenantSchema(tenantId)}.plain_busy`);
    try {
      const job = await queue.add(APPLY_JOB, { tenant_schema_id: schemaIds[1] });
      // One attempt, no backoff: BullMQ itself would fail it at the first thrown error.
      expect(job.opts.attempts ?? 0).toBeLessThanOrEqual(1);
      expect(job.opts.backoff).toBeUndefined();
      await waitFor('a second try of the plain job', async () => ((await queue.getJob(job.id!))?.data.tries ?? 0) >= 1);
      await release();
      const result = await job.waitUntilFinished(events, 20_000);
      expect(result).toMatchObject({ status: 'success', details: "Applied schema version 2. Added column 'note' to 'plain_busy'." });
      const records = await db.query<{ migration_id: string; status: string }>('SELECT migration_id, status FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [schemaIds[1]]);
      expect(records.rows).toEqual([{ migration_id: result.migration_id, status: 'success' }]);
    } finally {
      await release().catch(() => undefined);
      await events.close();
    }
  });

  it('ends the record failed, with the SQLSTATE, once its tries are used up', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, ['CREATE TABLE stuck (id int)', 'ALTER TABLE stuck ADD COLUMN note text']);
    expect((await ended(db, (await requestApply(t, schemaIds[0])).migration_id)).status).toBe('success');
    const release = await holdLock(`${tenantSchema(tenantId)}.stuck`);
    try {
      const { migration_id } = await requestApply(t, schemaIds[1]);
      const record = await ended(db, migration_id);
      expect(record.status).toBe('failed');
      expect(record.details).toBe(
        'Gave up after 3 tries: Failed at statement 1 of 1 (SQLSTATE 55P03): canceling statement due to lock timeout. Statement: ALTER TABLE stuck ADD COLUMN note text',
      );
      // Two tries hit the fault and were retried; the third, the last, ended the record; the job failed with it, once.
      const job = await waitFor('the job to fail', async () => {
        const found = await queue.getJob(migration_id);
        return (await found?.isFailed()) && found;
      });
      expect(job.data.tries).toBe(2);
      expect(job.failedReason).toBe(record.details);
      expect(job.attemptsMade).toBe(1);
    } finally {
      await release();
    }
  });
});

describe('a Redis restart that loses every job', () => {
  const db = testPool();
  const redis = new PrivateRedis();
  const apps: TestApp[] = [];

  afterAll(async () => {
    for (const app of apps) await app.close();
    await redis.kill();
    await db.end();
  });

  it('gives each pending record a new job, which ends it success exactly once', async () => {
    await redis.start();
    // Only an API at first: the jobs it enqueues cannot run before Redis loses them.
    const api = await createTestApp({ APP_ROLE: 'api', REDIS_URL: redis.url });
    apps.push(api);
    const tenants = [];
    for (let i = 0; i < 5; i++) tenants.push(await defineVersions(api, ['CREATE TABLE survived (id int); INSERT INTO survived SELECT 1']));
    const res = await api
      .http()
      .post('/v1/migrations/bulk')
      .set(bearer(TOKENS.writer))
      .send({ items: tenants.map((x) => ({ tenant_schema_id: x.schemaIds[0] })) })
      .expect(202);
    const ids = (res.body as { results: { migration_id: string }[] }).results.map((r) => r.migration_id);
    const queue = new Queue<ApplyJobData>(SCHEMA_APPLY_QUEUE, { connection: { url: redis.url }, prefix: process.env.QUEUE_PREFIX! });
    try {
      for (const id of ids) expect(await (await queue.getJob(id))?.getState()).toBe('waiting');
      await redis.kill();
      await redis.start();
      for (const id of ids) expect(await queue.getJob(id)).toBeUndefined();

      // A worker now: only its reconciler can give these records jobs again.
      apps.push(await createTestApp({ APP_ROLE: 'worker', REDIS_URL: redis.url, RECONCILE_EVERY_MS: '1000' }));
      for (const id of ids) expect((await ended(db, id, 40_000)).status).toBe('success');
      for (const id of ids) {
        const job = await waitFor(`the new job of ${id} to complete`, async () => {
          const found = await queue.getJob(id);
          return (await found?.isCompleted()) && found;
        });
        expect(job.returnvalue).toMatchObject({ migration_id: id, status: 'success' });
      }
    } finally {
      await queue.close();
    }
    for (const tenant of tenants) {
      const { rows } = await db.query('SELECT status FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [tenant.schemaIds[0]]);
      expect(rows).toEqual([{ status: 'success' }]);
      expect(await tablesOf(db, tenant.tenantId)).toEqual(['survived']);
      const applied = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tenantSchema(tenant.tenantId)}.survived`);
      expect(applied.rows[0].n).toBe(1);
    }
  }, 60_000);
});
