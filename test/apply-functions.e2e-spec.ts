import { insertMigrationRecord } from './factories/migration-record.factory.js';
import { insertTenantSchema } from './factories/tenant-schema.factory.js';
import { testPool } from './support/db.js';

/** The apply's SQL functions (migration apply_functions), called as the apply calls them. */
describe('the apply functions', () => {
  const db = testPool();
  afterAll(() => db.end());

  const statusOf = async (migrationId: string) =>
    (await db.query('SELECT status FROM business_store_service.schema_migrations WHERE migration_id = $1', [migrationId])).rows[0].status;

  /** Runs `sql` in a transaction that is rolled back, with bss.ddl_role set as the apply sets it. */
  const inTransaction = async (ranAs: string, sql: string, params: unknown[]) => {
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_catalog.set_config('bss.ddl_role', $1, true)`, [ranAs]);
      return (await client.query(sql, params)).rows;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };

  it('begin_attempt takes the tenant lock and reads where its versions stand', async () => {
    const begin = 'SELECT * FROM business_store_service.begin_attempt($1)';
    const v1 = await insertTenantSchema(db, { version: 1 });
    const v2 = await insertTenantSchema(db, { tenant_id: v1.tenant_id, version: 2 });
    const v3 = await insertTenantSchema(db, { tenant_id: v1.tenant_id, version: 3 });
    await insertMigrationRecord(db, v1, { status: 'success' });
    const second = await insertMigrationRecord(db, v2, { status: 'pending' });
    const third = await insertMigrationRecord(db, v3, { status: 'pending' });

    expect(await inTransaction('-', begin, [second.migration_id])).toEqual([
      { tenant_id: v1.tenant_id, version_applied: 2, ddl: 'CREATE TABLE t (id int)', locked: true, status: 'pending', current_version: 1, previous_pending: false },
    ]);
    expect((await inTransaction('-', begin, [third.migration_id]))[0]).toMatchObject({ current_version: 1, previous_pending: true });
    expect(await inTransaction('-', 'SELECT * FROM business_store_service.begin_attempt(gen_random_uuid())', [])).toEqual([]);
  });

  it('finish_attempt ends the record only if the DDL ran as the tenant role', async () => {
    const schema = await insertTenantSchema(db);
    const record = await insertMigrationRecord(db, schema, { status: 'pending' });
    const finish = 'SELECT ended FROM business_store_service.finish_attempt($1, $2, $3)';

    await expect(inTransaction('postgres', finish, [record.migration_id, 'done', 'bss_tenant_x'])).rejects.toMatchObject({
      message: 'the DDL ran as role postgres, not bss_tenant_x',
    });
    expect(await inTransaction('bss_tenant_x', finish, [record.migration_id, 'done', 'bss_tenant_x'])).toEqual([{ ended: 1 }]);
    expect(await statusOf(record.migration_id)).toBe('pending'); // rolled back
  });

  it('finish_attempt refuses a record that is no longer pending, so nothing commits with it', async () => {
    const schema = await insertTenantSchema(db);
    const record = await insertMigrationRecord(db, schema, { status: 'failed' });

    await expect(
      inTransaction('bss_tenant_x', 'SELECT ended FROM business_store_service.finish_attempt($1, $2, $3)', [record.migration_id, 'done', 'bss_tenant_x']),
    ).rejects.toMatchObject({ message: `migration ${record.migration_id} is no longer pending` });
  });

  it('may only be called by the service: PUBLIC has no EXECUTE', async () => {
    const { rows } = await db.query(`
      SELECT p.proname FROM pg_proc p
      WHERE p.pronamespace = 'business_store_service'::regnamespace
        AND p.proname IN ('begin_attempt', 'end_attempt', 'finish_attempt', 'prepare_tenant')
        AND has_function_privilege('public', p.oid, 'EXECUTE')`);
    expect(rows).toEqual([]);
  });
});
