import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { HOSTILE } from './corpus/hostile-ddl.js';
import { LEGIT } from './corpus/legit-ddl.js';
import { defineVersions, ended, requestApply, tablesOf, tenantSchema } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { tenantRolesAdded } from './support/tenant-roles-added.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** A bulk apply's answer, as far as these tests read it. */
interface BulkApplied {
  results: { migration_id: string }[];
}

/** What hostile DDL must never change: objects outside the tenant, roles and extensions. */
async function snapshot(db: pg.Pool, victimSchema: string) {
  const schemas = ['public', 'business_store_service', victimSchema];
  const q = async (sql: string, params: unknown[] = []) => (await db.query<Record<string, unknown>>(sql, params)).rows;
  return {
    namespaces: await q(`SELECT nspname, nspowner::regrole::text AS owner, nspacl::text AS acl FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`, [schemas]),
    relations: await q(
      `SELECT n.nspname, c.relname, c.relkind, c.relowner::regrole::text AS owner, c.relacl::text AS acl
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1) ORDER BY 1, 2`,
      [schemas],
    ),
    columns: await q(
      `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = ANY($1) ORDER BY 1, 2, 3`,
      [schemas],
    ),
    functions: await q(`SELECT n.nspname, p.proname, p.prosecdef FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY($1) ORDER BY 1, 2`, [schemas]),
    triggers: await q(
      `SELECT t.tgname, t.tgrelid::regclass::text AS rel, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       WHERE NOT t.tgisinternal AND c.relnamespace::regnamespace::text = ANY($1) ORDER BY 1, 2`,
      [schemas],
    ),
    // Apply sessions come and go with the service's processes (test/trusted-sessions.e2e-spec.ts checks them).
    roles: await q(`SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname NOT LIKE 'bss\\_session\\_%' ORDER BY 1`),
    memberships: await q(
      `SELECT roleid::regrole::text AS role, member::regrole::text AS member FROM pg_auth_members
       WHERE member::regrole::text NOT LIKE 'bss\\_session\\_%' ORDER BY 1, 2`,
    ),
    extensions: await q(`SELECT extname, extversion FROM pg_extension ORDER BY 1`),
    databaseAcl: await q(`SELECT datacl::text AS acl FROM pg_database WHERE datname = current_database()`),
    victimData: await q(`SELECT * FROM ${victimSchema}.secrets ORDER BY id`),
  };
}

describe('tenant DDL stays inside its tenant', () => {
  const db = testPool();
  let t: TestApp;
  let victim: string;
  let attacker: string;
  let before: Awaited<ReturnType<typeof snapshot>>;

  const substitute = (ddl: string, self: string) => ddl.replaceAll('{{self}}', self).replaceAll('{{other}}', victim);

  beforeAll(async () => {
    t = await createTestApp();
    const v = await defineVersions(t, ["CREATE TABLE secrets (id int, secret text); INSERT INTO secrets VALUES (1, 's3cret')"]);
    expect((await ended(db, (await requestApply(t, v.schemaIds[0])).migration_id)).status).toBe('success');
    victim = tenantSchema(v.tenantId);
    const a = await defineVersions(t, ['CREATE TABLE mine (id int)']);
    expect((await ended(db, (await requestApply(t, a.schemaIds[0])).migration_id)).status).toBe('success');
    attacker = a.tenantId;
    before = await snapshot(db, victim);
  });
  afterAll(async () => {
    await t.close();
    await db.end();
  });

  it(`has a hostile corpus of at least 40 cases (${HOSTILE.length})`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE)('refuses at submission: $name', async ({ ddl, rule }) => {
    const res = await t
      .http()
      .post('/v1/tenant-schemas')
      .set(bearer(TOKENS.writer))
      .send({ tenant_id: attacker, version: 2, ddl: substitute(ddl, tenantSchema(attacker)) });
    expect(res.status).toBe(400);
    const { message } = res.body as { message: string };
    expect(message).toMatch(/^ddl statement \d+ of \d+ \(.+\) is not allowed: /);
    expect(message).toMatch(rule);
  });

  it('refuses each hostile definition again at apply time when it was stored by other means', async () => {
    const items: { tenant_schema_id: string }[] = [];
    for (const { ddl } of HOSTILE) {
      const tenantId = randomUUID();
      const { rows } = await db.query<{ schema_id: string }>(
        `INSERT INTO business_store_service.tenant_schemas (tenant_id, version, ddl) VALUES ($1, 1, $2) RETURNING schema_id`,
        [tenantId, substitute(ddl, tenantSchema(tenantId))],
      );
      items.push({ tenant_schema_id: rows[0].schema_id });
    }
    const res = await t.http().post('/v1/migrations/bulk').set(bearer(TOKENS.writer)).send({ items }).expect(202);
    for (const r of (res.body as BulkApplied).results) {
      const record = await ended(db, r.migration_id, 60_000);
      expect(record.status).toBe('failed');
      expect(record.details).toMatch(/^Refused before running anything: ddl statement \d+ of \d+ /);
    }
  }, 120_000);

  it('runs DDL as a tenant role that gets 42501 everywhere outside its schema', async () => {
    const client = await db.connect();
    try {
      const role = (await client.query<{ role: string }>('SELECT nspowner::regrole::text AS role FROM pg_namespace WHERE nspname = $1', [tenantSchema(attacker)])).rows[0].role;
      expect(role).toMatch(/^bss_tenant_[0-9a-f]{32}_[0-9a-f]+$/);
      await client.query(`BEGIN; SET LOCAL ROLE ${role}`);
      const outside = [
        'CREATE TABLE public.leak (id int)',
        'CREATE TABLE business_store_service.leak (id int)',
        'SELECT * FROM business_store_service.schema_migrations',
        "UPDATE business_store_service.schema_migrations SET details = 'x'",
        `SELECT * FROM ${victim}.secrets`,
        `CREATE TABLE ${victim}.leak (id int)`,
        'CREATE TEMP TABLE leak (id int)',
        'CREATE SCHEMA leak',
        // One no test installs: IF NOT EXISTS on an installed extension checks no privilege.
        'CREATE EXTENSION IF NOT EXISTS fuzzystrmatch',
        `SELECT business_store_service.purge_schema_migrations(now(), 1)`,
      ];
      for (const sql of outside) {
        await client.query('SAVEPOINT probe');
        await expect(client.query(sql)).rejects.toMatchObject({ code: '42501' });
        await client.query('ROLLBACK TO SAVEPOINT probe');
      }
      // The control: inside its own schema the same role may create.
      await client.query(`CREATE TABLE ${tenantSchema(attacker)}.allowed (id int)`);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('ends the record failed with 42501 when a statement slips past the allow-list', async () => {
    // current_setting is allowed, but data_directory is for superusers only: the tenant role may not read it.
    const res = await t
      .http()
      .post('/v1/tenant-schemas')
      .set(bearer(TOKENS.writer))
      .send({ tenant_id: attacker, version: 2, ddl: "INSERT INTO mine VALUES (length(current_setting('data_directory')))" })
      .expect(201);
    const record = await ended(db, (await requestApply(t, (res.body as { schema_id: string }).schema_id)).migration_id);
    expect(record.status).toBe('failed');
    expect(record.details).toMatch(/^Failed at statement 1 of 1 \(SQLSTATE 42501\): /);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tenantSchema(attacker)}.mine`)).rows[0].n).toBe(0);
  });

  it('leaves public, business_store_service, another tenant, pg_roles and pg_extension exactly as before', async () => {
    const after = await snapshot(db, victim);
    const added = await tenantRolesAdded(db, before.roles, after.roles);
    // A tenant role provisioned meanwhile comes with its membership of the database's tenant group.
    const mine = (m: Record<string, unknown>) => added.has(m.member as string);
    expect({ ...after, roles: after.roles.filter((r) => !added.has(r.rolname as string)), memberships: after.memberships.filter((m) => !mine(m)) }).toEqual(before);
    expect(await tablesOf(db, attacker)).toEqual(['mine']);
  });
});

describe('legitimate DDL from real applications', () => {
  const suite = useTestApp();
  const { db } = suite;

  it('has at least 40 statements in the corpus', async () => {
    const { parseDdl } = await import('../src/ddl/parse-ddl.js');
    let count = 0;
    for (const app of LEGIT) for (const v of app.versions) count += (await parseDdl(v.replaceAll('{{self}}', 'tenant_x'))).length;
    expect(count).toBeGreaterThanOrEqual(40);
  });

  it.each(LEGIT)('accepts and applies every version of $name', async ({ versions }) => {
    const tenantId = randomUUID();
    const { schemaIds } = await defineVersions(
      suite.t,
      versions.map((v) => v.replaceAll('{{self}}', tenantSchema(tenantId))),
      tenantId,
    );
    const res = await suite.t
      .http()
      .post('/v1/migrations/bulk')
      .set(bearer(TOKENS.writer))
      .send({ items: schemaIds.map((id) => ({ tenant_schema_id: id })) })
      .expect(202);
    for (const r of (res.body as BulkApplied).results) {
      const record = await ended(db, r.migration_id, 30_000);
      expect({ status: record.status, details: record.details }).toMatchObject({ status: 'success', details: expect.stringMatching(/^Applied schema version \d+\. /) as unknown });
    }
    const version = await suite.t.http().get(`/v1/tenants/${tenantId}/schema-version`).set(bearer(TOKENS.reader)).expect(200);
    expect((version.body as { current_version: number }).current_version).toBe(versions.length);
    expect((await tablesOf(db, tenantId)).length).toBeGreaterThan(0);
  }, 60_000);
});
