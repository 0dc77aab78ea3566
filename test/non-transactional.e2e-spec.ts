import { randomUUID } from 'node:crypto';
import { ended, tablesOf, tenantSchema } from './factories/api.factory.js';
import { bearer, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** transactional: false (trusted only): statement by statement, a failure keeps what ran, a retry continues. */
describe('non-transactional definitions', () => {
  const suite = useTestApp({ WORKER_CONCURRENCY: '2' });
  const { db } = suite;

  const define = async (tenantId: string, version: number, ddl: string, transactional = false) => {
    const res = await suite.t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.trusted)).send({ tenant_id: tenantId, version, ddl, policy: 'trusted', transactional }).expect(201);
    return (res.body as { schema_id: string }).schema_id;
  };
  const apply = async (schemaId: string) =>
    ((await suite.t.http().post('/v1/migrations').set(bearer(TOKENS.writer)).send({ tenant_schema_id: schemaId }).expect(202)).body as { migration_id: string }).migration_id;

  it('keeps the statements before a failure, says so, and a retry after the cause is removed continues at the failed statement', async () => {
    const tenantId = randomUUID();
    expect((await ended(db, await apply(await define(tenantId, 1, 'CREATE TABLE base (id int)', true)))).status).toBe('success');
    const schema = tenantSchema(tenantId);
    await db.query(`CREATE TABLE ${schema}.blocker (id int)`); // by hand: statement 2 will collide with it
    const v2 = await define(tenantId, 2, 'CREATE TABLE first_step (id int); CREATE TABLE blocker (id int); CREATE TABLE last_step (id int)');
    const failed = await ended(db, await apply(v2));
    expect(failed.status).toBe('failed');
    expect(failed.details).toBe(
      'Failed at statement 2 of 3 (SQLSTATE 42P07): relation "blocker" already exists. Statement: CREATE TABLE blocker (id int) Statement 1 stays applied (the definition is not transactional); a retry continues at statement 2.',
    );
    expect(await tablesOf(db, tenantId)).toEqual(['base', 'blocker', 'first_step']);

    await db.query(`DROP TABLE ${schema}.blocker`);
    const retry = await suite.t.http().post(`/v1/migrations/${failed.migration_id}/retry`).set(bearer(TOKENS.writer)).send({}).expect(202);
    // Statement 1 is not run again: it would fail, first_step exists.
    const done = await ended(db, (retry.body as { migration_id: string }).migration_id);
    expect(done).toMatchObject({ status: 'success', details: "Applied schema version 2. Created table 'first_step'. Created table 'blocker'. Created table 'last_step'." });
    expect(await tablesOf(db, tenantId)).toEqual(['base', 'blocker', 'first_step', 'last_step']);
    const version = await suite.t.http().get(`/v1/tenants/${tenantId}/schema-version`).set(bearer(TOKENS.reader)).expect(200);
    expect((version.body as { current_version: number }).current_version).toBe(2);
  });

  it('adds an enum value and uses it in the same version, and builds an index concurrently on a table with rows', async () => {
    const tenantId = randomUUID();
    await define(tenantId, 1, "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE feelings (id int, mood mood); INSERT INTO feelings SELECT g, 'ok' FROM generate_series(1, 20000) g", true);
    const v1 = await ended(db, await apply(((await suite.t.http().get(`/v1/tenants/${tenantId}/tenant-schemas`).set(bearer(TOKENS.reader))).body as { items: { schema_id: string }[] }).items[0].schema_id));
    expect(v1.status).toBe('success');
    const v2 = await ended(db, await apply(await define(tenantId, 2, "ALTER TYPE mood ADD VALUE 'great'; UPDATE feelings SET mood = 'great' WHERE id <= 5; CREATE INDEX CONCURRENTLY feelings_mood_idx ON feelings (mood)")));
    expect(v2.status).toBe('success');
    const { rows } = await db.query(
      `SELECT i.indisvalid, (SELECT count(*)::int FROM ${tenantSchema(tenantId)}.feelings WHERE mood = 'great') AS great
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = 'feelings_mood_idx'`,
      [tenantSchema(tenantId)],
    );
    expect(rows).toEqual([{ indisvalid: true, great: 5 }]);
  });
});
