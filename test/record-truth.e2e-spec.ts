import { Queue } from 'bullmq';
import { SCHEMA_APPLY_QUEUE } from '../src/schema-apply/schema-apply.queue.js';
import { defineVersions, ended, requestApply, tablesOf, tenantSchema } from './factories/api.factory.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

/** Each record says what really happened: errors at COMMIT, the tenant's own timeouts, and faults that are retried. */
describe('what an attempt records', () => {
  const suite = useTestApp({ APPLY_STATEMENT_TIMEOUT_MS: '2000', WORKER_CONCURRENCY: '2' });
  const { db } = suite;
  let queue: Queue;
  beforeAll(() => {
    queue = new Queue(SCHEMA_APPLY_QUEUE, { connection: { url: process.env.REDIS_URL! }, prefix: process.env.QUEUE_PREFIX! });
  });
  afterAll(() => queue.close());

  /** How many tries ran the version's first statement: each try logs it once. */
  const triesOf = async (migrationId: string) => {
    const { logs } = await queue.getJobLogs(migrationId);
    return logs.join('\n').match(/statement 1 of \d+ applied/g)?.length ?? 0;
  };
  const schemaExists = async (tenantId: string) => (await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [tenantSchema(tenantId)])).rowCount === 1;

  it('ends a deferred foreign key violated at COMMIT failed at once, naming the constraint and the commit, with nothing applied', async () => {
    const { tenantId, schemaIds } = await defineVersions(suite.t, [
      'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED); INSERT INTO c VALUES (1)',
    ]);
    const { migration_id } = await requestApply(suite.t, schemaIds[0]);
    const record = await ended(db, migration_id, 10_000);
    expect(record.status).toBe('failed');
    expect(record.details).toBe(
      'Failed at COMMIT (SQLSTATE 23503): insert or update on table "c" violates foreign key constraint "c_p_id_fkey". Detail: Key (p_id)=(1) is not present in table "p". Raised at commit (a deferred constraint or trigger); nothing was applied.',
    );
    expect(await triesOf(migration_id)).toBe(1);
    expect(await tablesOf(db, tenantId)).toEqual([]);
    expect(await schemaExists(tenantId)).toBe(false);
  });

  it('ends a deferred unique constraint violated at COMMIT failed the same way', async () => {
    const { tenantId, schemaIds } = await defineVersions(suite.t, [
      'CREATE TABLE codes (code text CONSTRAINT codes_code_key UNIQUE DEFERRABLE INITIALLY DEFERRED); INSERT INTO codes VALUES ($$a$$), ($$a$$)',
    ]);
    const { migration_id } = await requestApply(suite.t, schemaIds[0]);
    const record = await ended(db, migration_id, 10_000);
    expect(record.details).toBe(
      'Failed at COMMIT (SQLSTATE 23505): duplicate key value violates unique constraint "codes_code_key". Detail: Key (code)=(a) already exists. Raised at commit (a deferred constraint or trigger); nothing was applied.',
    );
    expect(await triesOf(migration_id)).toBe(1);
    expect(await tablesOf(db, tenantId)).toEqual([]);
  });

  it("ends a statement_timeout of the tenant's own statement failed at once, naming the statement and the timeout", async () => {
    const { tenantId, schemaIds } = await defineVersions(suite.t, ['CREATE TABLE slow (id int); INSERT INTO slow SELECT 1 FROM pg_sleep(10)']);
    const { migration_id } = await requestApply(suite.t, schemaIds[0]);
    const record = await ended(db, migration_id, 15_000);
    expect(record.details).toBe(
      'Failed at statement 2 of 2 (SQLSTATE 57014): canceling statement due to statement timeout. The statement_timeout is 2000 ms. Statement: INSERT INTO slow SELECT 1 FROM pg_sleep(10)',
    );
    expect(await triesOf(migration_id)).toBe(1);
    expect(await tablesOf(db, tenantId)).toEqual([]);
  });

  it('retries an attempt whose connection was terminated mid-statement, and applies it exactly once', async () => {
    const { tenantId, schemaIds } = await defineVersions(suite.t, ['CREATE TABLE once (id int); INSERT INTO once SELECT 1 FROM pg_sleep(1)']);
    const { migration_id } = await requestApply(suite.t, schemaIds[0]);
    const pid = await waitFor('the apply to sleep', async () => {
      const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query LIKE 'INSERT INTO once SELECT 1 FROM pg_sleep(1)%' AND state = 'active'`);
      return rows[0]?.pid;
    });
    await db.query('SELECT pg_terminate_backend($1)', [pid]); // 57P01, as in a server shutdown
    const record = await ended(db, migration_id, 20_000);
    expect(record.status).toBe('success');
    expect(await triesOf(migration_id)).toBe(2);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tenantSchema(tenantId)}.once`)).rows[0].n).toBe(1);
    const attempts = await db.query('SELECT status FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [schemaIds[0]]);
    expect(attempts.rows).toEqual([{ status: 'success' }]);
  });
});
