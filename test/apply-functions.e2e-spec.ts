import { randomUUID } from 'node:crypto';
import { insertMigrationRecord } from './factories/migration-record.factory.js';
import { insertTenantSchema } from './factories/tenant-schema.factory.js';
import { runtimePool, testPool } from './support/db.js';

/** The apply's SQL functions (migrations apply_functions and least_privilege), called as the apply calls them. */
describe('the apply functions', () => {
  const db = testPool();
  const runtime = runtimePool();
  afterAll(async () => {
    await db.end();
    await runtime.end();
  });

  const statusOf = async (migrationId: string) =>
    (await db.query<{ status: string }>('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [migrationId])).rows[0].status;

  /** Runs `sql` as the runtime role in a transaction that is rolled back, with bss.ddl_role and bss.tenant_role set as the apply sets them. */
  const inTransaction = async (ranAs: string, sql: string, params: unknown[], tenantRole = ranAs) => {
    const client = await runtime.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_catalog.set_config('bss.ddl_role', $1, true), pg_catalog.set_config('bss.tenant_role', $2, true)`, [ranAs, tenantRole]);
      return (await client.query<Record<string, unknown>>(sql, params)).rows;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };

  it('claim_attempt takes the tenant lock at session level and reads where its versions stand; release_tenant frees it', async () => {
    const claim = 'SELECT * FROM business_store_service.claim_attempt($1)';
    const v1 = await insertTenantSchema(db, { version: 1 });
    const v2 = await insertTenantSchema(db, { tenant_id: v1.tenant_id, version: 2 });
    const v3 = await insertTenantSchema(db, { tenant_id: v1.tenant_id, version: 3 });
    await insertMigrationRecord(db, v1, { status: 'success' });
    const second = await insertMigrationRecord(db, v2, { status: 'pending' });
    const third = await insertMigrationRecord(db, v3, { status: 'pending' });

    const holder = await runtime.connect();
    try {
      expect((await holder.query(claim, [second.migration_id])).rows).toEqual([
        {
          tenant_id: v1.tenant_id,
          tenant_schema_id: v2.schema_id,
          version_applied: 2,
          ddl: 'CREATE TABLE t (id int)',
          policy: 'strict',
          transactional: true,
          locked: true,
          status: 'pending',
          current_version: 1,
          previous_pending: false,
          tenant_role: null, // entered only when asked, inside the apply's transaction
        },
      ]);
      // Outside any transaction, the lock stays: another session cannot claim the tenant.
      expect((await runtime.query(claim, [third.migration_id])).rows[0]).toMatchObject({ locked: false, current_version: null });
      expect((await holder.query('SELECT business_store_service.release_tenant($1) AS released', [v1.tenant_id])).rows).toEqual([{ released: true }]);
    } finally {
      holder.release();
    }
    const other = await runtime.connect();
    try {
      expect((await other.query(claim, [third.migration_id])).rows[0]).toMatchObject({ locked: true, current_version: 1, previous_pending: true });
      await other.query('SELECT business_store_service.release_tenant($1)', [v1.tenant_id]);
    } finally {
      other.release();
    }
    expect((await runtime.query('SELECT * FROM business_store_service.claim_attempt(gen_random_uuid())')).rows).toEqual([]);
  });

  it('finish_attempt ends the record only if the DDL ran as the owner of the tenant schema', async () => {
    const schema = await insertTenantSchema(db);
    const record = await insertMigrationRecord(db, schema, { status: 'pending' });
    const role = (await db.query<{ role: string }>('SELECT business_store_service.provision_tenant($1) AS role', [schema.tenant_id])).rows[0].role;
    const finish = 'SELECT ended FROM business_store_service.finish_attempt($1, $2)';

    await expect(inTransaction('postgres', finish, [record.migration_id, 'done'], role)).rejects.toMatchObject({
      code: 'BSS01',
      message: `the DDL ran as role postgres, not ${role}`,
    });
    expect(await inTransaction(role, finish, [record.migration_id, 'done'])).toEqual([{ ended: 1 }]);
    expect(await statusOf(record.migration_id)).toBe('pending'); // rolled back
  });

  it('finish_attempt refuses a record that is no longer pending, so nothing commits with it', async () => {
    const schema = await insertTenantSchema(db);
    const record = await insertMigrationRecord(db, schema, { status: 'failed' });
    const role = (await db.query<{ role: string }>('SELECT business_store_service.provision_tenant($1) AS role', [schema.tenant_id])).rows[0].role;

    await expect(inTransaction(role, 'SELECT ended FROM business_store_service.finish_attempt($1, $2)', [record.migration_id, 'done'])).rejects.toMatchObject({
      code: 'BSS02',
      message: `migration ${record.migration_id} is no longer pending`,
    });
  });

  it('enter_tenant makes only bss_tenant_* roles and tenant_* schemas, once, and a membership that ends with the transaction', async () => {
    const tenantId = randomUUID();
    const hex = tenantId.replaceAll('-', '');
    const memberships = async () =>
      Number((await db.query<{ count: string }>('SELECT count(*) FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid WHERE r.rolname LIKE $1', [`bss\\_tenant\\_${hex}%`])).rows[0].count);
    const client = await runtime.connect();
    let role: string;
    try {
      await client.query('BEGIN');
      role = (await client.query<{ role: string }>('SELECT business_store_service.enter_tenant($1) AS role', [tenantId])).rows[0].role;
      expect(role).toMatch(new RegExp(`^bss_tenant_${hex}_[0-9a-f]+$`));
      await client.query(`SET LOCAL ROLE ${role}`);
      expect((await client.query<{ u: string }>('SELECT current_user AS u')).rows[0].u).toBe(role);
      await client.query('RESET ROLE');
      await client.query('SELECT business_store_service.leave_tenant($1)', [tenantId]);
      await expect(client.query(`SET LOCAL ROLE ${role}`)).rejects.toMatchObject({ code: '42501' });
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      expect((await client.query<{ role: string }>('SELECT business_store_service.enter_tenant($1) AS role', [tenantId])).rows[0].role).toBe(role);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    // Committed without leave_tenant: the membership stays until the next leave (the apply always leaves).
    expect(await memberships()).toBe(1);
    await runtime.query('SELECT business_store_service.leave_tenant($1)', [tenantId]);
    expect(await memberships()).toBe(0); // not even the provisioning role keeps one
    const { rows } = await db.query(
      `SELECT n.nspname, n.nspowner::regrole::text AS owner, r.rolcanlogin, r.rolinherit, r.rolsuper, r.rolcreaterole
       FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = $1`,
      [`tenant_${hex}`],
    );
    expect(rows).toEqual([{ nspname: `tenant_${hex}`, owner: role, rolcanlogin: false, rolinherit: false, rolsuper: false, rolcreaterole: false }]);
  });

  it('enter_tenant refuses a tenant schema that someone else owns', async () => {
    const tenantId = randomUUID();
    await db.query(`CREATE SCHEMA tenant_${tenantId.replaceAll('-', '')}`);
    await expect(runtime.query('SELECT business_store_service.enter_tenant($1)', [tenantId])).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('which is not a tenant role') as string,
    });
  });

  it('PUBLIC may execute only the gate functions (which check their caller); SECURITY DEFINER and trigger functions pin search_path', async () => {
    const { rows: executable } = await db.query(`
      SELECT p.pronamespace::regnamespace::text AS schema, p.proname FROM pg_proc p
      WHERE p.pronamespace IN ('business_store_service'::regnamespace, 'bss_gate'::regnamespace) AND has_function_privilege('public', p.oid, 'EXECUTE')
      ORDER BY 1, 2`);
    expect(executable).toEqual([
      { schema: 'bss_gate', proname: 'finish_attempt' },
      { schema: 'bss_gate', proname: 'statement_done' },
    ]);
    const { rows: unpinned } = await db.query(`
      SELECT p.proname FROM pg_proc p
      WHERE p.pronamespace IN ('business_store_service'::regnamespace, 'bss_gate'::regnamespace)
        AND (p.prosecdef OR p.prorettype = 'trigger'::regtype)
        AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\\_path=%')`);
    expect(unpinned).toEqual([]);
  });

  it('inlines purgeable_schema_migrations, so that a purge batch reads no more rows than its LIMIT needs', async () => {
    // A SET clause (search_path) would keep PostgreSQL from inlining it: a Function Scan computes every row first.
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT p.migration_id FROM business_store_service.purgeable_schema_migrations(now()) p LIMIT 5000`,
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('schema_migrations');
    expect(plan).not.toContain('Function Scan');
  });
});
