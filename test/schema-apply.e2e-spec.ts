import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { APPLY_JOB, SCHEMA_APPLY_QUEUE } from '../src/schema-apply/schema-apply.queue.js';
import { defineVersions, ended, requestApply, tablesOf, tenantSchema } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

const SEED_V3 = `CREATE TABLE payments (id uuid PRIMARY KEY, amount numeric NOT NULL);
ALTER TABLE invoices ADD COLUMN due_date date;`;

/** One item of a bulk apply's answer, as far as these tests read it. */
interface BulkItemResult {
  status_code: number;
  migration_id: string;
}

/** A bulk apply's answer. */
interface BulkApplied {
  results: BulkItemResult[];
}

describe('applying tenant schema versions', () => {
  const db = testPool();
  const connection = { url: process.env.REDIS_URL! };
  const prefix = process.env.QUEUE_PREFIX!;
  let t: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    t = await createTestApp({ WORKER_CONCURRENCY: '4', RECONCILE_EVERY_MS: '1000' });
    queue = new Queue(SCHEMA_APPLY_QUEUE, { connection, prefix });
  });
  afterAll(async () => {
    await queue.close();
    await t.close();
    await db.end();
  });

  const post = (path: string, body?: object) => t.http().post(path).set(bearer(TOKENS.writer)).send(body);

  it('applies versions in order and ends with the exact summary of the seed', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, ['CREATE TABLE invoices (id uuid PRIMARY KEY)', 'CREATE INDEX invoices_id_idx ON invoices (id)', SEED_V3]);
    const v1 = await requestApply(t, schemaIds[0], 'user:admin@example.com');
    expect(v1).toMatchObject({ status: 'pending', applied_by: 'user:admin@example.com', version_applied: 1 });
    expect((await ended(db, v1.migration_id)).status).toBe('success');
    expect((await ended(db, (await requestApply(t, schemaIds[1])).migration_id)).status).toBe('success');
    const v3 = await ended(db, (await requestApply(t, schemaIds[2])).migration_id);
    expect(v3).toMatchObject({
      status: 'success',
      details: "Applied schema version 3. Created table 'payments'. Added column 'due_date' to 'invoices'.",
    });
    expect(await tablesOf(db, tenantId)).toEqual(['invoices', 'payments']);
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'invoices' ORDER BY ordinal_position`,
      [tenantSchema(tenantId)],
    );
    expect(rows.map((r) => r.column_name)).toEqual(['id', 'due_date']);
    const version = await t.http().get(`/v1/tenants/${tenantId}/schema-version`).set(bearer(TOKENS.reader)).expect(200);
    expect(version.body).toMatchObject({ current_version: 3, migration_id: v3.migration_id });
  });

  it('is atomic: a failing statement 3 of 3 leaves nothing of statements 1 and 2 behind', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, [
      `CREATE TABLE orders (id int PRIMARY KEY);
       CREATE TABLE order_lines (order_id int REFERENCES orders (id));
       ALTER TABLE customers ADD COLUMN vip boolean`,
    ]);
    const record = await ended(db, (await requestApply(t, schemaIds[0])).migration_id);
    expect(record.status).toBe('failed');
    expect(record.details).toBe(
      'Failed at statement 3 of 3 (SQLSTATE 42P01): relation "customers" does not exist. Statement: ALTER TABLE customers ADD COLUMN vip boolean',
    );
    expect(await tablesOf(db, tenantId)).toEqual([]);
    const schemas = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [tenantSchema(tenantId)]);
    expect(schemas.rowCount).toBe(0);
  });

  it('names a failing middle statement, in the record and in the job log, and leaves no role behind', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, [
      `CREATE TABLE first_ok (id int) -- a comment before the semicolon
       ;
       CREATE INDEX broken_idx ON missing_table (id);
       CREATE TABLE never_reached (id int)`,
    ]);
    const { migration_id } = await requestApply(t, schemaIds[0]);
    const record = await ended(db, migration_id);
    expect(record.details).toBe(
      'Failed at statement 2 of 3 (SQLSTATE 42P01): relation "missing_table" does not exist. Statement: CREATE INDEX broken_idx ON missing_table (id)',
    );
    expect(await tablesOf(db, tenantId)).toEqual([]);
    const role = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [`bss_${tenantSchema(tenantId)}`]);
    expect(role.rowCount).toBe(0);
    await waitFor('the job log', async () => (await queue.getJobLogs(migration_id)).count > 0);
    const lines = (await queue.getJobLogs(migration_id)).logs.join('\n').split('\n');
    expect(lines.at(-1)).toBe('statement 2 of 3 failed: SQLSTATE 42P01 relation "missing_table" does not exist');
  });

  it('applies version 2 before version 3 when 3 is enqueued first', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, ['CREATE TABLE a (id int)', 'ALTER TABLE a ADD COLUMN b int', 'ALTER TABLE a ADD COLUMN c int']);
    expect((await ended(db, (await requestApply(t, schemaIds[0])).migration_id)).status).toBe('success');
    // One request, 3 before 2: both are pending when 3's job runs, so 3 waits for 2.
    const res = await post('/v1/migrations/bulk', { items: [{ tenant_schema_id: schemaIds[2] }, { tenant_schema_id: schemaIds[1] }] }).expect(202);
    const [third, second] = (res.body as BulkApplied).results;
    const [r3, r2] = [await ended(db, third.migration_id), await ended(db, second.migration_id)];
    expect([r2.status, r3.status]).toEqual(['success', 'success']);
    expect(r2.updated_at.getTime()).toBeLessThan(r3.updated_at.getTime());
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'a' ORDER BY ordinal_position`,
      [tenantSchema(tenantId)],
    );
    expect(rows.map((r) => r.column_name)).toEqual(['id', 'b', 'c']);
  });

  it('fails an attempt whose previous version is neither applied nor pending, naming it', async () => {
    const { schemaIds } = await defineVersions(t, ['CREATE TABLE a (id int)', 'ALTER TABLE a ADD COLUMN b int']);
    const record = await ended(db, (await requestApply(t, schemaIds[1])).migration_id);
    expect(record).toMatchObject({
      status: 'failed',
      details: 'Version 2 applies only on top of version 1, which is neither applied nor pending (current version 0).',
    });
  });

  it('answers 404 for an unknown definition and 409 for an applied or pending version', async () => {
    await post('/v1/migrations', { tenant_schema_id: randomUUID() }).expect(404);
    const { tenantId, schemaIds } = await defineVersions(t, ['CREATE TABLE a (id int)']);
    const first = await requestApply(t, schemaIds[0]);
    const pendingOrApplied = await post('/v1/migrations', { tenant_schema_id: schemaIds[0] }).expect(409);
    expect((pendingOrApplied.body as { message: string }).message).toMatch(new RegExp(`version 1 of tenant '${tenantId}' is already (pending|applied)`));
    await ended(db, first.migration_id);
    const applied = await post('/v1/migrations', { tenant_schema_id: schemaIds[0] }).expect(409);
    expect((applied.body as { message: string }).message).toBe(`version 1 of tenant '${tenantId}' is already applied (migration '${first.migration_id}')`);
    await post('/v1/migrations', { tenant_schema_id: 'nope' }).expect(400);
    await post('/v1/migrations', { tenant_schema_id: schemaIds[0], applied_by: 'x'.repeat(256) }).expect(400);
    await post('/v1/migrations', { tenant_schema_id: schemaIds[0], extra: 1 }).expect(400);
  });

  it('retries a failed attempt as a new record, and only a failed one', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, [
      'CREATE TABLE readings (n int); INSERT INTO readings VALUES (-1)',
      'ALTER TABLE readings ADD CONSTRAINT readings_positive CHECK (n > 0)',
    ]);
    expect((await ended(db, (await requestApply(t, schemaIds[0])).migration_id)).status).toBe('success');
    const failed = await ended(db, (await requestApply(t, schemaIds[1], 'bss')).migration_id);
    expect(failed.status).toBe('failed');
    expect(failed.details).toContain('(SQLSTATE 23514)');
    // An operator fixes the tenant's data; the same version now applies.
    await db.query(`UPDATE ${tenantSchema(tenantId)}.readings SET n = 1`);
    const retry = await post(`/v1/migrations/${failed.migration_id}/retry`).expect(202);
    expect(retry.body).toMatchObject({ status: 'pending', tenant_schema_id: schemaIds[1], applied_by: 'bss' });
    const retried = retry.body as { migration_id: string };
    expect(retried.migration_id).not.toBe(failed.migration_id);
    expect((await ended(db, retried.migration_id)).status).toBe('success');
    const again = await post(`/v1/migrations/${failed.migration_id}/retry`).expect(409);
    expect((again.body as { message: string }).message).toContain('is already applied');
    await post(`/v1/migrations/${retried.migration_id}/retry`).expect(409);
    await post(`/v1/migrations/${randomUUID()}/retry`).expect(404);
    await post('/v1/migrations/abc/retry').expect(400);
    const history = await db.query<{ status: string }>('SELECT status FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1 ORDER BY created_at', [schemaIds[1]]);
    expect(history.rows.map((r) => r.status)).toEqual(['failed', 'success']);
  });

  it('judges each bulk item as the single route would, in request order', async () => {
    const a = await defineVersions(t, ['CREATE TABLE a (id int)']);
    const b = await defineVersions(t, ['CREATE TABLE b (id int)']);
    const unknown = randomUUID();
    const res = await post('/v1/migrations/bulk', {
      items: [
        { tenant_schema_id: a.schemaIds[0], applied_by: 'bulk' },
        { tenant_schema_id: 'not-a-uuid' },
        { tenant_schema_id: unknown },
        { tenant_schema_id: a.schemaIds[0] },
        { tenant_schema_id: b.schemaIds[0], colour: 'red' },
        { tenant_schema_id: b.schemaIds[0] },
      ],
    }).expect(202);
    const { results } = res.body as BulkApplied;
    expect(results).toEqual([
      { tenant_schema_id: a.schemaIds[0], status_code: 202, migration_id: expect.any(String) as unknown },
      { tenant_schema_id: 'not-a-uuid', status_code: 400, message: 'tenant_schema_id must be a UUID' },
      { tenant_schema_id: unknown, status_code: 404, message: `tenant schema '${unknown}' not found` },
      { tenant_schema_id: a.schemaIds[0], status_code: 409, message: `an attempt of version 1 of tenant '${a.tenantId}' is already pending` },
      { tenant_schema_id: b.schemaIds[0], status_code: 400, message: 'colour is not an allowed field' },
      { tenant_schema_id: b.schemaIds[0], status_code: 202, migration_id: expect.any(String) as unknown },
    ]);
    for (const r of results.filter((r: { status_code: number }) => r.status_code === 202)) {
      expect((await ended(db, r.migration_id)).status).toBe('success');
    }
    expect((await db.query('SELECT applied_by FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [a.schemaIds[0]])).rows).toEqual([
      { applied_by: 'bulk' },
    ]);
    await post('/v1/migrations/bulk', { items: [] }).expect(400);
    await post('/v1/migrations/bulk', { items: 'x' }).expect(400);
    const tooMany = await post('/v1/migrations/bulk', { items: Array.from({ length: 1001 }, () => ({ tenant_schema_id: unknown })) }).expect(400);
    expect([(tooMany.body as { message: string | string[] }).message].flat().join()).toContain('items must hold at most 1000 items');
  });

  it('judges a large bulk request the same across the chunks it is recorded in', async () => {
    const a = await defineVersions(t, ['CREATE TABLE a (id int)']);
    const unknown = randomUUID();
    // 250 items: the duplicate of item 0 sits in a later chunk than item 0.
    const items: { tenant_schema_id: string }[] = Array.from({ length: 250 }, () => ({ tenant_schema_id: unknown }));
    items[0] = { tenant_schema_id: a.schemaIds[0] };
    items[180] = { tenant_schema_id: a.schemaIds[0] };
    const { results } = (await post('/v1/migrations/bulk', { items }).expect(202)).body as BulkApplied;

    expect(results).toHaveLength(250);
    expect(results[0]).toEqual({ tenant_schema_id: a.schemaIds[0], status_code: 202, migration_id: expect.any(String) as unknown });
    expect(results[180]).toMatchObject({ tenant_schema_id: a.schemaIds[0], status_code: 409 });
    expect(results.filter((r: { status_code: number }) => r.status_code === 404)).toHaveLength(248);
    expect((await ended(db, results[0].migration_id)).status).toBe('success');
  });

  it('records and applies, once, a job added with plain BullMQ and no migration_id', async () => {
    const { schemaIds } = await defineVersions(t, ['CREATE TABLE plain (id int)']);
    const job = await queue.add(APPLY_JOB, { tenant_schema_id: schemaIds[0], applied_by: 'service:billing' });
    const record = await waitFor('a record of the plain job', async () => {
      const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1 AND status <> 'pending'`, [schemaIds[0]]);
      return rows[0];
    });
    expect(record).toMatchObject({ status: 'success', applied_by: 'service:billing' });
    const all = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [schemaIds[0]]);
    expect(all.rows[0].n).toBe(1);
    const finished = await waitFor('the plain job to complete', async () => ((await job.isCompleted()) ? job : undefined));
    expect(finished).toBeDefined();

    const bogus = await queue.add(APPLY_JOB, { tenant_schema_id: randomUUID() });
    await waitFor('the bogus job to fail', async () => bogus.isFailed());
    expect((await queue.getJob(bogus.id!))!.failedReason).toMatch(/^tenant schema '.*' not found$/);
  });

  it('reports progress as {applied, total} and logs each statement', async () => {
    const events = new QueueEvents(SCHEMA_APPLY_QUEUE, { connection, prefix });
    await events.waitUntilReady();
    try {
      const { schemaIds } = await defineVersions(t, ['CREATE TABLE p1 (id int); CREATE TABLE p2 (id int); CREATE TABLE p3 (id int)']);
      const progress: { applied: number; total: number }[] = [];
      let migrationId = '';
      events.on('progress', ({ jobId, data }) => {
        if (jobId === migrationId) progress.push(data as { applied: number; total: number });
      });
      migrationId = (await requestApply(t, schemaIds[0])).migration_id;
      expect((await ended(db, migrationId)).status).toBe('success');
      // A quick attempt reports once, when it ends; a slow one also as it goes (see JobReporter).
      await waitFor('the final progress event', () => Promise.resolve(progress.at(-1)?.applied === 3));
      expect(progress.at(-1)).toEqual({ applied: 3, total: 3 });
      expect(progress.every((p, i) => p.total === 3 && (i === 0 || p.applied > progress[i - 1].applied))).toBe(true);
      expect((await queue.getJob(migrationId))!.progress).toEqual({ applied: 3, total: 3 });
      await waitFor('the job log', async () => (await queue.getJobLogs(migrationId)).count > 0);
      const { logs } = await queue.getJobLogs(migrationId);
      expect(logs.join('\n').split('\n')).toEqual([
        'statement 1 of 3 applied: CREATE TABLE p1 (id int)',
        'statement 2 of 3 applied: CREATE TABLE p2 (id int)',
        'statement 3 of 3 applied: CREATE TABLE p3 (id int)',
      ]);
    } finally {
      await events.close();
    }
  });

  it('recovers a pending record whose job vanished from Redis', async () => {
    const { schemaIds, tenantId } = await defineVersions(t, ['CREATE TABLE recovered (id int)']);
    // As if the enqueue after commit had failed, or Redis had lost the job.
    const { rows } = await db.query<{ migration_id: string }>(
      `INSERT INTO business_store_service.schema_migrations (tenant_schema_id, tenant_id, version_applied, created_at, updated_at)
       VALUES ($1, $2, 1, now() - interval '1 minute', now() - interval '1 minute') RETURNING migration_id`,
      [schemaIds[0], tenantId],
    );
    expect(await queue.getJob(rows[0].migration_id)).toBeUndefined();
    expect((await ended(db, rows[0].migration_id)).status).toBe('success');
    expect(await tablesOf(db, tenantId)).toEqual(['recovered']);
  });

  it('serves the Bull Board to admin tokens only, with HTTP Basic auth', async () => {
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const none = await t.http().get('/admin/queues').expect(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic /);
    await t.http().get('/admin/queues').set('Authorization', basic('admin', 'wrong')).expect(401);
    await t.http().get('/admin/queues').set('Authorization', basic('reader', TOKENS.admin)).expect(401);
    await t.http().get('/admin/queues').set('Authorization', basic('reader', TOKENS.reader)).expect(403);
    await t.http().get('/admin/queues').set('Authorization', basic('admin', TOKENS.admin)).expect(200);
    const api = await t.http().get('/admin/queues/api/queues').set('Authorization', basic('admin', TOKENS.admin)).expect(200);
    expect((api.body as { queues: { name: string }[] }).queues.map((q: { name: string }) => q.name).sort()).toEqual(['drift', 'retention', 'rollout-sweep', 'rollouts', 'schema-apply', 'schema-apply-reconcile']);
  });
});

describe('a queue prefix with a Redis Cluster hash tag', () => {
  const db = testPool();
  const prefix = `{${process.env.QUEUE_PREFIX}_tagged}`;
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ QUEUE_PREFIX: prefix });
  });
  afterAll(async () => {
    await t.close();
    await db.end();
  });

  it('applies through keys that all share the hash tag', async () => {
    const { schemaIds } = await defineVersions(t, ['CREATE TABLE tagged (id int)']);
    const { migration_id } = await requestApply(t, schemaIds[0]);
    expect((await ended(db, migration_id)).status).toBe('success');
    const queue = new Queue(SCHEMA_APPLY_QUEUE, { connection: { url: process.env.REDIS_URL! }, prefix });
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      expect(await (await queue.getJob(migration_id))!.getState()).toBe('completed');
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys.some((k) => k.startsWith(`${prefix}:schema-apply:`))).toBe(true);
      expect(keys.every((k) => k.startsWith(`${prefix}:`))).toBe(true);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
