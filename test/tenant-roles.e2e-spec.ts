import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../src/migrator/migrate.js';
import { defineVersions, ended, requestApply, tenantSchema } from './factories/api.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

/** Two services with databases of their own in one cluster apply the same tenant id without touching each other's role or schema. */
describe('tenant roles per database', () => {
  const second = new URL(process.env.MIGRATION_DATABASE_URL!);
  second.pathname = `${second.pathname}_second`;
  const secondRuntime = new URL(process.env.DATABASE_URL!);
  secondRuntime.pathname = second.pathname;
  const first = new pg.Pool({ connectionString: process.env.MIGRATION_DATABASE_URL, max: 2 });
  let other: pg.Pool;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    await migrate({ migrationUrl: second.toString(), databaseUrl: secondRuntime.toString() });
    other = new pg.Pool({ connectionString: second.toString(), max: 2 });
    a = await createTestApp();
    b = await createTestApp({ DATABASE_URL: secondRuntime.toString(), QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}_second` });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    const roles = (await other.query(`SELECT nspowner::regrole::text AS role FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'`)).rows;
    await other.end();
    // Without FORCE: a connection still open there would be a leak, and FORCE would hide it
    // (or kill it under a pool without an error listener). A closing backend may linger briefly.
    const dropSecond = `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(second.pathname.slice(1))}`;
    await waitFor('the second database to have no connections, and to be dropped', () =>
      first.query(dropSecond).then(
        () => true,
        (error: { code?: string }) => {
          if (error.code === '55006') return false;
          throw error;
        },
      ),
    );
    for (const { role } of roles) await first.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role as string)}`);
    await first.end();
  });

  const ownerOf = async (db: pg.Pool, tenantId: string): Promise<string | undefined> =>
    (await db.query<{ role: string }>('SELECT nspowner::regrole::text AS role FROM pg_namespace WHERE nspname = $1', [tenantSchema(tenantId)])).rows[0]?.role;

  it("applies the same tenant id in both, each with a role and schema of its own", async () => {
    const tenantId = randomUUID();
    const inA = await defineVersions(a, ['CREATE TABLE only_in_a (id int)'], tenantId);
    const inB = await defineVersions(b, ['CREATE TABLE only_in_b (id int)'], tenantId);
    expect((await ended(first, (await requestApply(a, inA.schemaIds[0])).migration_id)).status).toBe('success');
    expect((await ended(other, (await requestApply(b, inB.schemaIds[0])).migration_id)).status).toBe('success');

    const roleA = await ownerOf(first, tenantId);
    const roleB = await ownerOf(other, tenantId);
    expect(roleA).toMatch(/^bss_tenant_[0-9a-f]{32}_[0-9a-f]+$/);
    expect(roleB).toMatch(/^bss_tenant_[0-9a-f]{32}_[0-9a-f]+$/);
    expect(roleA).not.toBe(roleB);
    const tables = async (db: pg.Pool) =>
      (await db.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [tenantSchema(tenantId)])).rows.map((r) => r.table_name);
    expect(await tables(first)).toEqual(['only_in_a']);
    expect(await tables(other)).toEqual(['only_in_b']);
    // Neither role owns anything in the other's database.
    const owned = async (db: pg.Pool, role: string) =>
      Number((await db.query<{ count: string }>('SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)', [role])).rows[0].count);
    expect(await owned(other, roleA!)).toBe(0);
    expect(await owned(first, roleB!)).toBe(0);
  });
});
