import { type ChildProcess, spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { SCHEMA_APPLY_QUEUE } from '../src/schema-apply/schema-apply.queue.js';
import { defineVersions, ended, requestApply, tablesOf, tenantSchema } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

describe('transient faults', () => {
  const db = testPool();
  let t: TestApp;
  let queue: Queue;
  beforeAll(async () => {
    t = await createTestApp({ APPLY_LOCK_TIMEOUT_MS: '200', APPLY_MAX_TRIES: '3' });
    queue = new Queue(SCHEMA_APPLY_QUEUE, { connection: { url: process.env.REDIS_URL! }, prefix: process.env.QUEUE_PREFIX! });
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
    await waitFor('a retry after the lock timeout', async () => ((await queue.getJob(migration_id))?.attemptsMade ?? 0) >= 1);
    const during = await db.query('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [migration_id]);
    expect(during.rows[0].status).toBe('pending');
    await release();
    expect((await ended(db, migration_id)).status).toBe('success');
  });

  it('ends the record failed, with the SQLSTATE, once its tries are used up', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, ['CREATE TABLE stuck (id int)', 'ALTER TABLE stuck ADD COLUMN note text']);
    expect((await ended(db, (await requestApply(t, schemaIds[0])).migration_id)).status).toBe('success');
    const release = await holdLock(`${tenantSchema(tenantId)}.stuck`);
    try {
      const record = await ended(db, (await requestApply(t, schemaIds[1])).migration_id);
      expect(record.status).toBe('failed');
      expect(record.details).toBe(
        'Gave up after 3 tries: Failed at statement 1 of 1 (SQLSTATE 55P03): canceling statement due to lock timeout. Statement: ALTER TABLE stuck ADD COLUMN note text',
      );
    } finally {
      await release();
    }
  });
});

describe('a Redis restart that loses every job', () => {
  const db = testPool();
  const port = 16000 + Math.floor(Math.random() * 2000);
  let redis: ChildProcess;
  let t: TestApp;

  const startRedis = async () => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor('redis to answer', async () => {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
      const ok = await probe.connect().then(() => probe.ping(), () => false);
      probe.disconnect();
      return ok === 'PONG';
    });
    return child;
  };

  beforeAll(async () => {
    redis = await startRedis();
    t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}`, RECONCILE_EVERY_MS: '1000' });
  });
  afterAll(async () => {
    await t.close();
    redis.kill('SIGKILL');
    await db.end();
  });

  it('still ends every pending attempt exactly once', async () => {
    const tenants = [];
    for (let i = 0; i < 5; i++) tenants.push(await defineVersions(t, ['CREATE TABLE survived (id int); INSERT INTO survived SELECT 1 FROM pg_sleep(0.2)']));
    const res = await t
      .http()
      .post('/v1/migrations/bulk')
      .set(bearer(TOKENS.writer))
      .send({ items: tenants.map((x) => ({ tenant_schema_id: x.schemaIds[0] })) })
      .expect(202);
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    redis = await startRedis();

    for (const r of res.body.results) expect((await ended(db, r.migration_id, 40_000)).status).toBe('success');
    for (const tenant of tenants) {
      const { rows } = await db.query('SELECT status FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [tenant.schemaIds[0]]);
      expect(rows).toEqual([{ status: 'success' }]);
      expect(await tablesOf(db, tenant.tenantId)).toEqual(['survived']);
      const applied = await db.query(`SELECT count(*)::int AS n FROM ${tenantSchema(tenant.tenantId)}.survived`);
      expect(applied.rows[0].n).toBe(1);
    }
  }, 60_000);
});
