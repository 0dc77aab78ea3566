import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { HOSTILE } from './corpus/hostile-ddl.js';
import { TRUSTED_HOSTILE } from './corpus/trusted-hostile-ddl.js';
import { defineVersions, ended, requestApply, tenantSchema } from './factories/api.factory.js';
import { insertMigrationRecord } from './factories/migration-record.factory.js';
import { insertTenantSchema } from './factories/tenant-schema.factory.js';
import { schemaSnapshot } from './support/schema-snapshot.js';
import { testPool } from './support/db.js';
import { tenantRolesAdded } from './support/tenant-roles-added.js';
import { bearer, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** Everything outside the attackers' own schemas: other schemas, roles (but the attackers' own), memberships, extensions, every other record. */
async function outside(db: pg.Pool, victimSchema: string, attackerRoles: Set<string>) {
  const q = async (sql: string, params: unknown[] = []) => (await db.query<Record<string, unknown>>(sql, params)).rows;
  // Apply sessions come and go with the service's processes (test/trusted-sessions.e2e-spec.ts checks them).
  const roles = await q(`SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname NOT LIKE 'bss\\_session\\_%' ORDER BY 1`);
  const memberships = await q(
    `SELECT roleid::regrole::text AS role, member::regrole::text AS member FROM pg_auth_members WHERE member::regrole::text NOT LIKE 'bss\\_session\\_%' ORDER BY 1, 2`,
  );
  return {
    victim: await schemaSnapshot(db, victimSchema),
    victimData: await q(`SELECT * FROM ${victimSchema}.secrets ORDER BY id`),
    schemas: await q(`SELECT nspname, nspowner::regrole::text AS owner, nspacl::text AS acl FROM pg_namespace WHERE nspname NOT LIKE 'tenant\\_%' AND nspname NOT LIKE 'pg\\_%' ORDER BY 1`),
    serviceRelations: await q(`SELECT c.relname, c.relacl::text AS acl FROM pg_class c WHERE c.relnamespace = 'business_store_service'::regnamespace ORDER BY 1`),
    publicObjects: await q(`SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1`),
    roles: roles.filter((r) => !attackerRoles.has(r.rolname as string)),
    memberships: memberships.filter((m) => !attackerRoles.has(m.role as string) && !attackerRoles.has(m.member as string)),
    extensions: await q(`SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY 1`),
    otherRecords: await q(`SELECT migration_id, status, details, updated_at FROM business_store_service.schema_migrations WHERE tenant_id <> ALL($1::uuid[]) ORDER BY 1`, [
      [...attackerTenants],
    ]),
  };
}

const attackerTenants = new Set<string>();

describe('trusted definitions stay inside their tenant', () => {
  const suite = useTestApp({ WORKER_CONCURRENCY: '4' });
  const { db } = suite;
  let victim: string;
  let victimRole: string;
  let serviceRole: string;
  let pendingOfAnother: string;
  let before: Awaited<ReturnType<typeof outside>>;

  const substitute = (ddl: string, self: string) =>
    ddl.replaceAll('{{self}}', self).replaceAll('{{other}}', victim).replaceAll('{{other_role}}', victimRole).replaceAll('{{service_role}}', serviceRole);
  const post = (tenantId: string, ddl: string) =>
    suite.t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.trusted)).send({ tenant_id: tenantId, version: 1, ddl: substitute(ddl, tenantSchema(tenantId)), policy: 'trusted' });
  const attackerRoles = async () =>
    new Set(
      (await db.query<{ role: string }>(`SELECT nspowner::regrole::text AS role FROM pg_namespace WHERE nspname = ANY($1)`, [[...attackerTenants].map(tenantSchema)])).rows.map((r) => r.role),
    );

  beforeAll(async () => {
    const v = await defineVersions(suite.t, ["CREATE TABLE secrets (id int, secret text); INSERT INTO secrets VALUES (1, 's3cret')"]);
    expect((await ended(db, (await requestApply(suite.t, v.schemaIds[0])).migration_id)).status).toBe('success');
    victim = tenantSchema(v.tenantId);
    victimRole = (await db.query<{ role: string }>('SELECT nspowner::regrole::text AS role FROM pg_namespace WHERE nspname = $1', [victim])).rows[0].role;
    serviceRole = process.env.TEST_RUNTIME_ROLE!;
    // The extension some cases try to drop or alter, installed (once per database, as the service does) before the snapshot.
    const helper = randomUUID();
    const installs = await post(helper, 'CREATE EXTENSION IF NOT EXISTS pg_trgm');
    expect((await ended(db, (await requestApply(suite.t, (installs.body as { schema_id: string }).schema_id)).migration_id)).status).toBe('success');
    // Another tenant's attempt, pending (no job): hostile DDL would love to end it.
    pendingOfAnother = (await insertMigrationRecord(db, await insertTenantSchema(db), { status: 'pending', created_at: new Date(Date.now() + 3600_000) })).migration_id;
    before = await outside(db, victim, new Set());
  });
  afterAll(async () => {
    // Dated an hour ahead, the planted record is out of the reconciler's reach: end it, or a later
    // suite's rollout (which follows a pending attempt of its tenants) would wait for it.
    const owner = testPool();
    try {
      await owner.query(
        `UPDATE business_store_service.schema_migrations SET status = 'failed', details = 'planted by the trusted sandbox test', updated_at = now() WHERE migration_id = $1 AND status = 'pending'`,
        [pendingOfAnother],
      );
    } finally {
      await owner.end();
    }
  });

  const refused = TRUSTED_HOSTILE.filter((c) => 'refused' in c.expect);
  const atApply = TRUSTED_HOSTILE.filter((c) => 'failsAtApply' in c.expect);

  it(`has a corpus of at least 40 cases, some failing only at apply (${refused.length} + ${atApply.length})`, () => {
    expect(TRUSTED_HOSTILE.length).toBeGreaterThanOrEqual(40);
    expect(atApply.length).toBeGreaterThanOrEqual(15);
  });

  it.each(refused.map((c) => [c.name, c] as const))('refuses at submission: %s', async (_name, { ddl, expect: outcome }) => {
    const res = await post(randomUUID(), ddl);
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch((outcome as { refused: RegExp }).refused);
  });

  it('ends every case that only shows at apply failed, with nothing applied', async () => {
    const outcomes: [string, string, string | null][] = [];
    for (const { name, ddl } of atApply) {
      const tenantId = randomUUID();
      attackerTenants.add(tenantId);
      const res = await post(tenantId, ddl);
      expect({ name, status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
      const record = await ended(db, (await requestApply(suite.t, (res.body as { schema_id: string }).schema_id)).migration_id, 30_000);
      outcomes.push([name, record.status, record.details]);
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1', [tenantSchema(tenantId)]);
      expect({ name, objects: rows[0].n }).toEqual({ name, objects: 0 });
    }
    expect(outcomes.filter(([, status]) => status !== 'failed')).toEqual([]);
  }, 180_000);

  it("applies the strict hostile corpus as trusted: no attacker's table or view can show another tenant's secret, a password or a server file", async () => {
    const applied: string[] = [];
    for (const { name, ddl } of HOSTILE) {
      const tenantId = randomUUID();
      attackerTenants.add(tenantId);
      const res = await post(tenantId, ddl);
      if (res.status === 400) continue; // refused by the trusted policy too (src/ddl/corpus.spec.ts names which)
      expect({ name, status: res.status }).toEqual({ name, status: 201 });
      const record = await ended(db, (await requestApply(suite.t, (res.body as { schema_id: string }).schema_id)).migration_id, 30_000);
      expect(['success', 'failed']).toContain(record.status);
      applied.push(tenantId);
    }
    expect(applied.length).toBeGreaterThan(60);
    // What succeeded (views over pg_authid, query_to_xml of another tenant, ...) is read as its own tenant would read it.
    const leaks: string[] = [];
    for (const tenantId of applied) {
      const schema = tenantSchema(tenantId);
      const client = await db.connect();
      try {
        const role = (await client.query<{ role: string }>('SELECT nspowner::regrole::text AS role FROM pg_namespace WHERE nspname = $1', [schema])).rows[0].role;
        const relations = (await client.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind IN ('r', 'v', 'm')`, [schema])).rows;
        for (const { relname } of relations) {
          await client.query(`BEGIN; SET LOCAL ROLE ${role}`);
          const read = await client.query<{ t: string }>(`SELECT t::text FROM ${schema}.${relname} t`).catch(() => ({ rows: [] }));
          await client.query('ROLLBACK');
          for (const { t } of read.rows) if (/s3cret|SCRAM-SHA-256|md5[0-9a-f]{32}|root:/.test(t)) leaks.push(`${schema}.${relname}: ${t}`);
        }
      } finally {
        client.release();
      }
    }
    expect(leaks).toEqual([]);
  }, 300_000);

  it("leaves every other schema, role, extension and every other tenant's records as they were", async () => {
    const after = await outside(db, victim, await attackerRoles());
    const added = await tenantRolesAdded(db, before.roles, after.roles);
    // Records already ended stay exactly as they were; pending ones of earlier suites may end
    // meanwhile (the planted pending record of another tenant is checked below).
    const ended = new Set(before.otherRecords.filter((r) => r.status !== 'pending').map((r) => r.migration_id as string));
    const endedOnly = (records: Record<string, unknown>[]) => records.filter((r) => ended.has(r.migration_id as string));
    expect({
      ...after,
      roles: after.roles.filter((r) => !added.has(r.rolname as string)),
      memberships: after.memberships.filter((m) => !added.has(m.member as string)),
      otherRecords: endedOnly(after.otherRecords),
    }).toEqual({
      ...before,
      otherRecords: endedOnly(before.otherRecords),
    });
    const { rows } = await db.query('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [pendingOfAnother]);
    expect(rows).toEqual([{ status: 'pending' }]);
  });
});
