import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

  it('takes LOGIN from the tenant role as soon as its session is made: its DDL already runs without it', async () => {
    const tenantId = randomUUID();
    // The catalog name is assembled at run time: a literal reference is refused at submission.
    const ddl = `DO $$ DECLARE v text; BEGIN CREATE TABLE t (id int);
      EXECUTE format('SELECT rolcanlogin::text FROM pg_catalog.%I WHERE rolname = session_user', reverse('selor_gp')) INTO v;
      EXECUTE format('COMMENT ON TABLE t IS %L', v); END $$`;
    const record = await apply(await define(tenantId, 1, ddl, true));
    expect(record.status).toBe('success');
    const schema = tenantSchema(tenantId);
    const during = await db.query<{ comment: string }>(`SELECT obj_description($1::regclass, 'pg_class') AS comment`, [`${schema}.t`]);
    expect(during.rows).toEqual([{ comment: 'false' }]);
    const { rows } = await db.query<{ rolcanlogin: boolean; no_password: boolean }>(
      'SELECT r.rolcanlogin, r.rolpassword IS NULL AS no_password FROM pg_namespace n JOIN pg_authid r ON r.oid = n.nspowner WHERE n.nspname = $1',
      [schema],
    );
    expect(rows).toEqual([{ rolcanlogin: false, no_password: true }]);
  });
});
