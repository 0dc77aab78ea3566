import { randomUUID } from 'node:crypto';
import { ended, tenantSchema } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startWorker, type WorkerProcess, workerReady } from './support/worker-process.js';

/**
 * Apply sessions are shared by the tenants that one worker serves one after another. Whatever a
 * tenant's DDL leaves in its session must be gone before the next tenant's DDL runs there, and no
 * tenant's role may stay with a session once its attempt is over, not even after a crash.
 */
describe('apply sessions between tenants', () => {
  const db = testPool();
  let t: TestApp;

  // One worker slot: every attempt below runs on the same apply session, one after another.
  beforeAll(async () => {
    t = await createTestApp({ WORKER_CONCURRENCY: '1' });
  });
  afterAll(async () => {
    await t.close();
    await db.end();
  });

  const applyTrusted = async (tenantId: string, version: number, ddl: string) => {
    const defined = await t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.trusted)).send({ tenant_id: tenantId, version, ddl, policy: 'trusted' });
    expect({ status: defined.status, body: defined.body as unknown }).toMatchObject({ status: 201 });
    const res = await t.http().post('/v1/migrations').set(bearer(TOKENS.writer)).send({ tenant_schema_id: (defined.body as { schema_id: string }).schema_id }).expect(202);
    return ended(db, (res.body as { migration_id: string }).migration_id, 30_000);
  };
  const sessionOf = async (tenantId: string) =>
    (await db.query<{ comment: string }>(`SELECT obj_description($1::regclass, 'pg_class') AS comment`, [`${tenantSchema(tenantId)}.whoami`])).rows[0].comment;
  const stampSession = `CREATE TABLE whoami (id int);\nDO $$ BEGIN EXECUTE format('COMMENT ON TABLE whoami IS %L', session_user); END $$;`;

  it("discards what a tenant's DDL left in the session: temporary objects, settings, prepared statements, cursors, LISTEN, advisory locks", async () => {
    const planter = randomUUID();
    const victim = randomUUID();
    // The victim's own apply lock, held by the planter's session for good if nothing cleaned it.
    const victimLock = `hashtextextended('bss:tenant:${victim}', 0)`;
    const plant = await applyTrusted(
      planter,
      1,
      `${stampSession}
CREATE TEMP TABLE orders (id int);
CREATE TEMP VIEW customers AS SELECT 1 AS id;
CREATE TYPE pg_temp.mood AS ENUM ('planted');
SET default_transaction_read_only = on;
SET search_path = public;
SELECT set_config('bss.planted', 'yes', false);
PREPARE planted AS SELECT 1;
DECLARE planted CURSOR WITH HOLD FOR SELECT 1;
LISTEN planted;
SELECT pg_advisory_lock(42), pg_advisory_lock(${victimLock});`,
    );
    expect(plant).toMatchObject({ status: 'success' });

    const probe = await applyTrusted(
      victim,
      1,
      `${stampSession}
CREATE TABLE orders (id int);
INSERT INTO orders VALUES (1);
CREATE TABLE customers (id int);
CREATE TYPE mood AS ENUM ('happy');
CREATE TABLE moods (m mood);
INSERT INTO moods VALUES ('happy');
CREATE TABLE leftovers AS
  SELECT (SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace = pg_my_temp_schema())::int AS temp_objects,
         COALESCE(current_setting('bss.planted', true), '') AS planted_setting,
         current_setting('default_transaction_read_only') AS read_only,
         (SELECT count(*) FROM pg_prepared_statements)::int AS prepared,
         (SELECT count(*) FROM pg_cursors)::int AS cursors,
         (SELECT count(*) FROM pg_listening_channels())::int AS listening,
         (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())::int AS advisory_locks;`,
    );
    expect(probe).toMatchObject({ status: 'success' });
    // Both ran on one session: the test is about what the first left to the second.
    expect(await sessionOf(victim)).toBe(await sessionOf(planter));
    const schema = tenantSchema(victim);
    expect((await db.query(`SELECT * FROM ${schema}.leftovers`)).rows).toEqual([
      { temp_objects: 0, planted_setting: '', read_only: 'off', prepared: 0, cursors: 0, listening: 0, advisory_locks: 0 },
    ]);
    // Its tables are its own, not the planted temporary ones.
    expect((await db.query(`SELECT count(*)::int AS n FROM ${schema}.orders`)).rows).toEqual([{ n: 1 }]);
    expect((await db.query(`SELECT m::text FROM ${schema}.moods`)).rows).toEqual([{ m: 'happy' }]);
  });

  it("refuses a tenant's DDL the role of the tenant that ran before it on the same session", async () => {
    const first = randomUUID();
    expect(await applyTrusted(first, 1, `${stampSession}\nCREATE TABLE secrets (s text);\nINSERT INTO secrets VALUES ('mine');`)).toMatchObject({ status: 'success' });
    const firstRole = (await db.query<{ role: string }>('SELECT nspowner::regrole::text AS role FROM pg_namespace WHERE nspname = $1', [tenantSchema(first)])).rows[0].role;
    const attacks = [
      `DO $$ BEGIN EXECUTE format('SET ROLE %I', '${firstRole}'); END $$`,
      `DO $$ BEGIN EXECUTE format('SET ROLE %I', '${firstRole}'); EXECUTE 'DELETE FROM ${tenantSchema(first)}.secrets'; END $$`,
      `CREATE TABLE loot AS SELECT * FROM ${tenantSchema(first)}.secrets`,
      `DO $$ BEGIN EXECUTE concat('RESET', ' ROLE'); EXECUTE format('SET ROLE %I', '${firstRole}'); END $$`,
    ];
    for (const ddl of attacks) {
      const attacker = randomUUID();
      const record = await applyTrusted(attacker, 1, `${stampSession}\n${ddl}`);
      expect({ ddl, status: record.status }).toEqual({ ddl, status: 'failed' });
      expect(record.details).toMatch(/SQLSTATE 42501/);
      expect((await db.query('SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = $1::regnamespace', [tenantSchema(attacker)])).rows).toEqual([{ n: 0 }]);
    }
    expect((await db.query(`SELECT s FROM ${tenantSchema(first)}.secrets`)).rows).toEqual([{ s: 'mine' }]);
  });

  it('leaves no session a tenant role once its attempt has ended', async () => {
    const { rows } = await db.query(
      `SELECT a.member::regrole::text AS session, a.roleid::regrole::text AS tenant FROM pg_auth_members a WHERE a.member::regrole::text LIKE 'bss\\_session\\_%'`,
    );
    expect(rows).toEqual([]);
  });
});

/** A worker killed while a trusted DDL runs in its apply session. */
describe('an apply session whose worker dies mid-statement', () => {
  const db = testPool();
  let t: TestApp;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await t.close();
    await db.end();
  });

  const memberships = async (tenantRole: string) =>
    (await db.query<{ session: string }>(`SELECT member::regrole::text AS session FROM pg_auth_members WHERE roleid = $1::regrole`, [tenantRole])).rows.map((r) => r.session);

  it('keeps a second session from acting for the tenant until the first has ended, and leaves no membership behind', async () => {
    const first = startWorker({ WORKER_CONCURRENCY: '1' });
    workers.push(first);
    await workerReady(first);
    const tenantId = randomUUID();
    const ddl = `CREATE TABLE slow (id int);\nSELECT pg_sleep(4);\nINSERT INTO slow VALUES (1);`;
    const defined = await t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.trusted)).send({ tenant_id: tenantId, version: 1, ddl, policy: 'trusted' }).expect(201);
    const migrationId = (
      (await t.http().post('/v1/migrations').set(bearer(TOKENS.writer)).send({ tenant_schema_id: (defined.body as { schema_id: string }).schema_id }).expect(202)).body as {
        migration_id: string;
      }
    ).migration_id;
    const running = await waitFor(
      'the DDL to run in an apply session',
      async () =>
        (await db.query<{ usename: string }>(`SELECT usename FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(4)%' AND usename LIKE 'bss\\_session\\_%'`)).rows[0],
      20_000,
    );
    const tenantRole = (await db.query<{ role: string }>('SELECT nspowner::regrole::text AS role FROM pg_namespace WHERE nspname = $1', [tenantSchema(tenantId)])).rows[0].role;
    expect(await memberships(tenantRole)).toEqual([running.usename]);

    first.child.kill('SIGKILL');
    await first.exited;
    const second = startWorker({ WORKER_CONCURRENCY: '1' });
    workers.push(second);
    await workerReady(second);

    // The orphaned session finishes its statement, finds its client gone and rolls back; only then
    // may another session act for the tenant. The attempt ends once, with the DDL applied once.
    const record = await ended(db, migrationId, 60_000);
    expect(record.status).toBe('success');
    expect((await db.query(`SELECT count(*)::int AS n FROM ${tenantSchema(tenantId)}.slow`)).rows).toEqual([{ n: 1 }]);
    expect(await memberships(tenantRole)).toEqual([]);
    // The dead session's role can log in no more.
    const { rows } = await db.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [running.usename]);
    expect(rows.every((r) => !r.rolcanlogin)).toBe(true);
  }, 120_000);
});
