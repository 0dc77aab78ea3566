import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { TRUSTED_IDIOMS } from './corpus/trusted-idioms.js';
import { TRUSTED_VERSIONS } from './corpus/trusted-versions.js';
import { ended, tenantSchema } from './factories/api.factory.js';
import { schemaSnapshot } from './support/schema-snapshot.js';
import { bearer, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const run = promisify(execFile);

/** Real migration histories apply under the trusted policy, exactly as plain psql would apply them. */
describe('trusted definitions', () => {
  const suite = useTestApp({ WORKER_CONCURRENCY: '4' });
  const { db } = suite;

  const define = async (tenantId: string, version: number, ddl: string, transactional: boolean) => {
    const res = await suite.t
      .http()
      .post('/v1/tenant-schemas')
      .set(bearer(TOKENS.trusted))
      .send({ tenant_id: tenantId, version, ddl, policy: 'trusted', transactional });
    if (res.status !== 201) throw new Error(`defining version ${version} failed: ${JSON.stringify(res.body)}`);
    return (res.body as { schema_id: string }).schema_id;
  };
  const apply = async (schemaId: string) => {
    const res = await suite.t.http().post('/v1/migrations').set(bearer(TOKENS.writer)).send({ tenant_schema_id: schemaId }).expect(202);
    return ended(db, (res.body as { migration_id: string }).migration_id, 30_000);
  };

  it('applies a realistic history to two tenants, identical to plain psql in a scratch schema', async () => {
    const tenants = [randomUUID(), randomUUID()];
    for (const [index, version] of TRUSTED_VERSIONS.entries()) {
      for (const tenantId of tenants) {
        const record = await apply(await define(tenantId, index + 1, version.ddl, version.transactional));
        expect({ version: version.name, tenantId, status: record.status, details: record.details }).toMatchObject({ status: 'success' });
      }
    }
    // The same files through psql, statement by statement (as psql -f does), into a scratch schema.
    const scratch = `scratch_${randomUUID().replaceAll('-', '')}`;
    await db.query(`CREATE SCHEMA ${scratch}`);
    const dir = await mkdtemp(join(tmpdir(), 'bss-psql-'));
    for (const [index, version] of TRUSTED_VERSIONS.entries()) {
      const file = join(dir, `v${index + 1}.sql`);
      await writeFile(file, `SET search_path TO ${scratch}, bss_extensions;\n${version.ddl}\n`);
      await run('psql', [process.env.MIGRATION_DATABASE_URL!, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file]);
    }
    const expected = await schemaSnapshot(db, scratch);
    expect(Object.keys(expected.rows as object)).toEqual(['articles', 'customers', 'orders']);
    for (const tenantId of tenants) expect(await schemaSnapshot(db, tenantSchema(tenantId))).toEqual(expected);
    // Extensions live once, in bss_extensions; nothing of theirs is in a tenant's schema.
    const { rows } = await db.query(`SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname IN ('pgcrypto', 'pg_trgm', 'btree_gin') ORDER BY 1`);
    expect(rows).toEqual([
      { extname: 'btree_gin', nspname: 'bss_extensions' },
      { extname: 'pg_trgm', nspname: 'bss_extensions' },
      { extname: 'pgcrypto', nspname: 'bss_extensions' },
    ]);
  }, 120_000);

  it('applies catalog-guarded idioms to two tenants, each as if alone: identical to psql into a database of its own', async () => {
    const tenants = [randomUUID(), randomUUID()];
    for (const [index, version] of TRUSTED_IDIOMS.entries()) {
      for (const tenantId of tenants) {
        const record = await apply(await define(tenantId, index + 1, version.ddl, version.transactional));
        expect({ version: version.name, tenantId, status: record.status, details: record.details }).toMatchObject({ status: 'success' });
      }
    }
    // The same files through psql, each in one transaction (as the apply runs it), into a database
    // that holds nothing else, with the extensions installed once in a schema of their own as the service does.
    const alone = new URL(process.env.MIGRATION_DATABASE_URL!);
    const name = `${alone.pathname.slice(1)}_alone`;
    const admin = new pg.Client({ connectionString: Object.assign(new URL(alone), { pathname: '/postgres' }).toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    alone.pathname = `/${name}`;
    const aloneDb = new pg.Pool({ connectionString: alone.toString(), max: 2 });
    try {
      await aloneDb.query('CREATE SCHEMA app; CREATE SCHEMA bss_extensions; CREATE EXTENSION "uuid-ossp" SCHEMA bss_extensions; CREATE EXTENSION citext SCHEMA bss_extensions');
      const dir = await mkdtemp(join(tmpdir(), 'bss-psql-'));
      for (const [index, version] of TRUSTED_IDIOMS.entries()) {
        const file = join(dir, `v${index + 1}.sql`);
        await writeFile(file, `SET search_path TO app, bss_extensions;\n${version.ddl}\n`);
        await run('psql', [alone.toString(), '-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-f', file]);
      }
      const data = async (pool: pg.Pool, schema: string) => ({
        accounts: (await pool.query(`SELECT id, email::text, display_name, lifetime_total FROM ${schema}.accounts ORDER BY id`)).rows,
        orders: (await pool.query(`SELECT id, account_id, total, status::text, updated_at IS NULL AS untouched FROM ${schema}.orders ORDER BY id`)).rows,
        counts: (await pool.query(`SELECT * FROM ${schema}.catalog_counts`)).rows,
      });
      const expected = { schema: await schemaSnapshot(aloneDb, 'app'), data: await data(aloneDb, 'app') };
      expect(Object.keys(expected.schema.rows as object)).toEqual(['accounts', 'catalog_counts', 'orders']);
      expect(expected.data.counts).toEqual([{ order_constraints: 3, relations: 3, triggers: 1, guarded: true }]);
      expect((expected.schema.constraints as unknown[]).length).toBeGreaterThan(3);
      for (const tenantId of tenants) {
        expect({ schema: await schemaSnapshot(db, tenantSchema(tenantId)), data: await data(db, tenantSchema(tenantId)) }).toEqual(expected);
      }
      // What a guard would have seen in the catalogs shared by the tenants: the first tenant's
      // constraint, so the second would have skipped its own.
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_catalog.pg_constraint WHERE conname = 'orders_total_nonnegative'`);
      expect(rows[0].n).toBeGreaterThanOrEqual(2);
    } finally {
      await aloneDb.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    }
  }, 120_000);

  it("runs the DDL in an apply session lent the tenant's role: its own role has no LOGIN once connected, the tenant's never logs in", async () => {
    const tenantId = randomUUID();
    const ddl = `CREATE TABLE t (id int);
DO $$
DECLARE v text;
BEGIN
  SELECT format('%s|%s|%s', session_user, current_user, rolcanlogin::text) INTO v FROM pg_roles WHERE rolname = session_user;
  EXECUTE format('COMMENT ON TABLE t IS %L', v);
END $$`;
    const record = await apply(await define(tenantId, 1, ddl, true));
    expect(record.status).toBe('success');
    const schema = tenantSchema(tenantId);
    const { rows } = await db.query<{ comment: string; owner: string; rolcanlogin: boolean; no_password: boolean; members: string[] }>(
      `SELECT obj_description(format('%I.t', n.nspname)::regclass, 'pg_class') AS comment, r.rolname AS owner, r.rolcanlogin,
              r.rolpassword IS NULL AS no_password, ARRAY(SELECT a.member::regrole::text FROM pg_auth_members a WHERE a.roleid = r.oid) AS members
       FROM pg_namespace n JOIN pg_authid r ON r.oid = n.nspowner WHERE n.nspname = $1`,
      [schema],
    );
    const [session, current, login] = rows[0].comment.split('|');
    expect(session).toMatch(/^bss_session_[0-9a-f]+_[0-9a-f]{16}$/);
    expect({ current, login }).toEqual({ current: rows[0].owner, login: 'false' });
    // The tenant's role: never LOGIN, and lent to no session once its attempt has ended.
    expect(rows[0]).toMatchObject({ rolcanlogin: false, no_password: true, members: [] });
    // For temporary tables it inherits from the database's tenant group, which holds TEMPORARY and nothing else.
    const groups = await db.query<{ grp: string; temp: boolean; create: boolean; can_login: boolean }>(
      `SELECT g.rolname AS grp, has_database_privilege(g.oid, current_database(), 'TEMPORARY') AS temp,
              has_database_privilege(g.oid, current_database(), 'CREATE') AS create, g.rolcanlogin AS can_login
       FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid WHERE a.member = $1::regrole`,
      [rows[0].owner],
    );
    expect(groups.rows).toEqual([{ grp: expect.stringMatching(/^bss_tenants_[0-9a-f]+$/) as string, temp: true, create: false, can_login: false }]);
  });
});
