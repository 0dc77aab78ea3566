import { insertMigrationRecord } from './factories/migration-record.factory.js';
import { insertTenantSchema } from './factories/tenant-schema.factory.js';
import { testPool } from './support/db.js';

describe('schema_migrations is append-only, in the database', () => {
  const db = testPool();
  afterAll(() => db.end());

  const sm = 'business_store_service.schema_migrations';
  const arrange = async (status = 'pending', createdAt?: string) => {
    const schema = await insertTenantSchema(db);
    return { schema, record: await insertMigrationRecord(db, schema, { status, created_at: createdAt }) };
  };

  it('lets a pending record become success or failed, with details and updated_at', async () => {
    for (const status of ['success', 'failed']) {
      const { record } = await arrange();
      const res = await db.query(`UPDATE ${sm} SET status = $2, details = 'done', updated_at = now() WHERE migration_id = $1`, [record.migration_id, status]);
      expect(res.rowCount).toBe(1);
    }
  });

  it('refuses to change any column other than status, details and updated_at', async () => {
    const { record } = await arrange();
    for (const set of [
      `tenant_id = gen_random_uuid()`,
      `version_applied = 99`,
      `applied_by = 'someone else'`,
      `created_at = now() - interval '1 year'`,
      `migration_id = gen_random_uuid()`,
    ]) {
      await expect(db.query(`UPDATE ${sm} SET ${set}, status = 'success' WHERE migration_id = $1`, [record.migration_id])).rejects.toMatchObject({
        code: '23514',
        message: `schema_migrations: only status, details and updated_at may change (migration ${record.migration_id})`,
      });
    }
  });

  it('refuses any change to a record that has ended', async () => {
    for (const status of ['success', 'failed']) {
      const { record } = await arrange(status);
      await expect(db.query(`UPDATE ${sm} SET details = 'rewritten' WHERE migration_id = $1`, [record.migration_id])).rejects.toMatchObject({
        code: '23514',
        message: `schema_migrations: migration ${record.migration_id} has ended (${status}) and cannot change`,
      });
      await expect(db.query(`UPDATE ${sm} SET status = 'pending' WHERE migration_id = $1`, [record.migration_id])).rejects.toMatchObject({ code: '23514' });
    }
  });

  it('refuses pending -> pending: a pending record only ends', async () => {
    const { record } = await arrange();
    await expect(db.query(`UPDATE ${sm} SET details = 'halfway' WHERE migration_id = $1`, [record.migration_id])).rejects.toMatchObject({
      code: '23514',
      message: 'schema_migrations: a pending record may only become success or failed, not pending',
    });
  });

  it('refuses an ordinary DELETE by the application role', async () => {
    const { record } = await arrange('failed', '2000-01-01T00:00:00Z');
    await expect(db.query(`DELETE FROM ${sm} WHERE migration_id = $1`, [record.migration_id])).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('schema_migrations is append-only') as unknown,
    });
    expect((await db.query(`SELECT 1 FROM ${sm} WHERE migration_id = $1`, [record.migration_id])).rowCount).toBe(1);
  });

  it('refuses TRUNCATE', async () => {
    await arrange();
    // A plain TRUNCATE stops at attempt_jobs' foreign key; with CASCADE it reaches the trigger.
    await expect(db.query(`TRUNCATE ${sm}`)).rejects.toMatchObject({ code: '0A000' });
    await expect(db.query(`TRUNCATE ${sm} CASCADE`)).rejects.toMatchObject({ code: '42501', message: 'schema_migrations is append-only: TRUNCATE is not allowed' });
    expect(Number((await db.query<{ count: string }>(`SELECT count(*) FROM ${sm}`)).rows[0].count)).toBeGreaterThan(0);
  });

  it('deletes only through the purge path, which keeps pending records and each tenant\'s latest success', async () => {
    const old = '2001-01-01T00:00:00Z';
    const v1 = await insertTenantSchema(db, { version: 1 });
    const v2 = await insertTenantSchema(db, { tenant_id: v1.tenant_id, version: 2 });
    const v3 = await insertTenantSchema(db, { tenant_id: v1.tenant_id, version: 3 });
    const failed = await insertMigrationRecord(db, v1, { status: 'failed', created_at: old });
    const oldSuccess = await insertMigrationRecord(db, v1, { status: 'success', created_at: old });
    const latestSuccess = await insertMigrationRecord(db, v2, { status: 'success', created_at: old });
    const pending = await insertMigrationRecord(db, v3, { status: 'pending', created_at: old });
    const { rows } = await db.query<{ deleted: number }>('SELECT business_store_service.purge_schema_migrations($1, 1000) AS deleted', ['2002-01-01T00:00:00Z']);
    expect(rows[0].deleted).toBeGreaterThanOrEqual(2);
    const left = await db.query<{ migration_id: string }>(`SELECT migration_id FROM ${sm} WHERE tenant_id = $1 ORDER BY version_applied`, [v1.tenant_id]);
    expect(left.rows.map((r) => r.migration_id)).toEqual([latestSuccess.migration_id, pending.migration_id]);
    expect([failed, oldSuccess].map((r) => r.migration_id)).not.toContain(left.rows[0].migration_id);
  });
});
