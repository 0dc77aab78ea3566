import { insertMigrationRecord } from './factories/migration-record.factory.js';
import { insertTenantSchema } from './factories/tenant-schema.factory.js';
import { runtimePool, testPool } from './support/db.js';

/**
 * Contract §8: with the service's own connection (the runtime role, as every test's service
 * runs), none of these works. The test's owner connection arranges the rows.
 */
describe("what the runtime role's own connection cannot do", () => {
  const owner = testPool();
  const runtime = runtimePool();
  const role = process.env.TEST_RUNTIME_ROLE!;
  afterAll(async () => {
    await owner.end();
    await runtime.end();
  });

  /** Runs each statement as the runtime role in a transaction of its own, rolled back either way. */
  const attempt = async (sql: string, params: unknown[] = []) => {
    const client = await runtime.connect();
    try {
      await client.query('BEGIN');
      await client.query(sql, params);
      return 'succeeded';
    } catch (error) {
      return (error as { code?: string }).code;
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  };

  it('is no superuser, has no CREATEROLE, owns nothing and is a member of no privileged role', async () => {
    const { rows } = await owner.query(
      `SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
              (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned_relations,
              (SELECT count(*)::int FROM pg_proc p WHERE p.proowner = r.oid) AS owned_functions,
              (SELECT count(*)::int FROM pg_namespace n WHERE n.nspowner = r.oid) AS owned_schemas,
              pg_has_role(r.oid, 'bss_audit_purge', 'MEMBER') AS purge_member,
              pg_has_role(r.oid, 'bss_provisioner', 'MEMBER') AS provisioner_member,
              pg_has_role(r.oid, current_user, 'MEMBER') AS owner_member
       FROM pg_roles r WHERE r.rolname = $1`,
      [role],
    );
    expect(rows).toEqual([
      {
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolbypassrls: false,
        owned_relations: 0,
        owned_functions: 0,
        owned_schemas: 0,
        purge_member: false,
        provisioner_member: false,
        owner_member: false,
      },
    ]);
    const { rows: updatable } = await owner.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.column_privileges
       WHERE grantee = $1 AND table_schema = 'business_store_service' AND table_name = 'schema_migrations' AND privilege_type = 'UPDATE'
       ORDER BY 1`,
      [role],
    );
    expect(updatable.map((r) => r.column_name)).toEqual(['details', 'status', 'updated_at']);
  });

  it('refuses every forbidden change to the audit log and the definitions', async () => {
    const schema = await insertTenantSchema(owner);
    const ended = await insertMigrationRecord(owner, schema, { status: 'success', details: 'done' });
    const pending = await insertMigrationRecord(owner, await insertTenantSchema(owner), { status: 'pending' });
    const sm = 'business_store_service.schema_migrations';
    const cases: [string, string, unknown[]][] = [
      ['UPDATE of an ended record', `UPDATE ${sm} SET status = 'failed' WHERE migration_id = $1`, [ended.migration_id]],
      ['UPDATE of another column', `UPDATE ${sm} SET applied_by = 'me' WHERE migration_id = $1`, [pending.migration_id]],
      ['UPDATE of version_applied', `UPDATE ${sm} SET version_applied = 9 WHERE migration_id = $1`, [pending.migration_id]],
      ['DELETE of a record', `DELETE FROM ${sm} WHERE migration_id = $1`, [ended.migration_id]],
      ['TRUNCATE', `TRUNCATE ${sm}`, []],
      ['SET ROLE to the purge role, then DELETE', `SET ROLE bss_audit_purge; DELETE FROM ${sm}`, []],
      ['UPDATE of a definition', `UPDATE business_store_service.tenant_schemas SET ddl = 'DROP TABLE t' WHERE schema_id = $1`, [schema.schema_id]],
      ['DELETE of a definition', `DELETE FROM business_store_service.tenant_schemas WHERE schema_id = $1`, [schema.schema_id]],
      ['disabling the append-only trigger', `ALTER TABLE ${sm} DISABLE TRIGGER schema_migrations_append_only`, []],
      ['disabling every trigger', `ALTER TABLE ${sm} DISABLE TRIGGER ALL`, []],
      ['dropping the append-only trigger', `DROP TRIGGER schema_migrations_append_only ON ${sm}`, []],
      ['dropping the definitions guard', 'DROP TRIGGER tenant_schemas_guard ON business_store_service.tenant_schemas', []],
      ['replacing a trigger function', `CREATE OR REPLACE FUNCTION business_store_service.schema_migrations_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`, []],
      ['session_replication_role (skips triggers)', `SET session_replication_role = replica`, []],
      ['SET ROLE to the owner', `SET ROLE postgres`, []],
      ['SET ROLE to the provisioning role', 'SET ROLE bss_provisioner', []],
      ['SET SESSION AUTHORIZATION', 'SET SESSION AUTHORIZATION postgres', []],
      ['creating a role', 'CREATE ROLE bss_tenant_evil', []],
      ['granting the purge role to itself', `GRANT bss_audit_purge TO ${role}`, []],
      ['creating a table in the service schema', 'CREATE TABLE business_store_service.evil (id int)', []],
      ['changing the provisioning function', 'ALTER FUNCTION business_store_service.provision_tenant(uuid) SECURITY INVOKER', []],
    ];
    const outcomes = [];
    for (const [what, sql, params] of cases) outcomes.push([what, await attempt(sql, params)]);
    expect(outcomes).toEqual(cases.map(([what]) => [what, expect.stringMatching(/^(42501|23514)$/) as string]));
    // The ended record and the definition are unchanged, and still there.
    const { rows } = await owner.query(`SELECT status, details, applied_by FROM ${sm} WHERE migration_id = $1`, [ended.migration_id]);
    expect(rows).toEqual([{ status: 'success', details: 'done', applied_by: null }]);
  });

  it("may SET ROLE to a tenant's role only inside an attempt's transaction, after enter_tenant", async () => {
    const schema = await insertTenantSchema(owner);
    await owner.query('SELECT business_store_service.provision_tenant($1)', [schema.tenant_id]); // the role exists before
    const client = await runtime.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ role: string }>('SELECT business_store_service.enter_tenant($1) AS role', [schema.tenant_id]);
      await client.query(`SET LOCAL ROLE ${rows[0].role}`);
      await client.query('RESET ROLE');
      // A member without ADMIN OPTION: it cannot hand the tenant's role to anyone.
      await expect(client.query(`GRANT ${rows[0].role} TO bss_audit_purge`)).rejects.toMatchObject({ code: '42501' });
      await client.query('ROLLBACK');
      expect(await attempt(`SET ROLE ${rows[0].role}`)).toBe('42501'); // the membership went with the transaction
    } finally {
      client.release();
    }
  });

  it('deletes audit records only through the retention purge, which keeps pending records', async () => {
    const pending = await insertMigrationRecord(owner, await insertTenantSchema(owner), { status: 'pending', created_at: '2000-01-01T00:00:00Z' });
    const old = await insertMigrationRecord(owner, await insertTenantSchema(owner), { status: 'failed', created_at: '2000-01-01T00:00:00Z' });
    await runtime.query(`SELECT business_store_service.purge_schema_migrations('2001-01-01', 1000)`);
    const { rows } = await owner.query('SELECT migration_id FROM business_store_service.schema_migrations WHERE migration_id = ANY($1)', [
      [pending.migration_id, old.migration_id],
    ]);
    expect(rows).toEqual([{ migration_id: pending.migration_id }]);
  });
});
