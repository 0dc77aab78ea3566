import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { tenantHistorySql } from '../src/audit/attempts.sql.js';
import { migrate, migratorOptions } from '../src/migrator/migrate.js';
import { migrationsList } from '../migrations/index.js';
import { testPool } from './support/db.js';


describe('database schema (against the seed design)', () => {
  const db = testPool();
  afterAll(() => db.end());

  const columns = async (table: string) =>
    (
      await db.query<{ column_name: string; data_type: string; max_length: number | null; is_nullable: string; column_default: string | null }>(
        `SELECT column_name, data_type, character_maximum_length AS max_length, is_nullable, column_default
         FROM information_schema.columns
         WHERE table_schema = 'business_store_service' AND table_name = $1
         ORDER BY ordinal_position`,
        [table],
      )
    ).rows;

  it('has schema_migrations column by column as the seed specifies', async () => {
    expect(await columns('schema_migrations')).toEqual([
      { column_name: 'migration_id', data_type: 'uuid', max_length: null, is_nullable: 'NO', column_default: 'gen_random_uuid()' },
      { column_name: 'tenant_schema_id', data_type: 'uuid', max_length: null, is_nullable: 'NO', column_default: null },
      { column_name: 'tenant_id', data_type: 'uuid', max_length: null, is_nullable: 'NO', column_default: null },
      { column_name: 'version_applied', data_type: 'integer', max_length: null, is_nullable: 'NO', column_default: null },
      { column_name: 'status', data_type: 'text', max_length: null, is_nullable: 'NO', column_default: "'pending'::text" },
      { column_name: 'details', data_type: 'text', max_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'applied_by', data_type: 'character varying', max_length: 255, is_nullable: 'YES', column_default: null },
      { column_name: 'created_at', data_type: 'timestamp with time zone', max_length: null, is_nullable: 'NO', column_default: 'CURRENT_TIMESTAMP' },
      { column_name: 'updated_at', data_type: 'timestamp with time zone', max_length: null, is_nullable: 'NO', column_default: 'CURRENT_TIMESTAMP' },
    ]);
  });

  it('has the seed indexes on the seed columns', async () => {
    const { rows } = await db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes
       WHERE schemaname = 'business_store_service' AND tablename = 'schema_migrations'`,
    );
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef.replace(/^.* USING /, '')]));
    expect(defs).toMatchObject({
      schema_migrations_pkey: 'btree (migration_id)',
      schema_migrations_tenant_id_idx: 'btree (tenant_id)',
      schema_migrations_schema_id_idx: 'btree (tenant_schema_id)',
      schema_migrations_created_at_idx: 'btree (created_at)',
      schema_migrations_tenant_history_idx: 'btree (tenant_id, created_at DESC, migration_id DESC)',
      schema_migrations_tenant_status_history_idx: 'btree (tenant_id, status, created_at DESC, migration_id DESC)',
    });
  });

  it('has the primary key, the status CHECK and the RESTRICT foreign key', async () => {
    const { rows } = await db.query(
      `SELECT conname, contype, confdeltype, pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE conrelid = 'business_store_service.schema_migrations'::regclass ORDER BY conname`,
    );
    expect(rows).toEqual([
      { conname: 'schema_migrations_pkey', contype: 'p', confdeltype: ' ', def: 'PRIMARY KEY (migration_id)' },
      {
        conname: 'schema_migrations_status_chk',
        contype: 'c',
        confdeltype: ' ',
        def: "CHECK ((status = ANY (ARRAY['pending'::text, 'success'::text, 'failed'::text])))",
      },
      {
        conname: 'schema_migrations_tenant_schema_id_fkey',
        contype: 'f',
        confdeltype: 'r',
        def: 'FOREIGN KEY (tenant_schema_id) REFERENCES business_store_service.tenant_schemas(schema_id) ON DELETE RESTRICT',
      },
    ]);
  });

  it('has tenant_schemas as the contract gives it', async () => {
    expect((await columns('tenant_schemas')).map((c) => [c.column_name, c.data_type, c.is_nullable, c.column_default])).toEqual([
      ['schema_id', 'uuid', 'NO', 'gen_random_uuid()'],
      ['tenant_id', 'uuid', 'NO', null],
      ['version', 'integer', 'NO', null],
      ['ddl', 'text', 'NO', null],
      ['checksum', 'character', 'NO', null],
      ['description', 'text', 'YES', null],
      ['created_at', 'timestamp with time zone', 'NO', 'CURRENT_TIMESTAMP'],
      ['policy', 'text', 'NO', "'strict'::text"],
      ['transactional', 'boolean', 'NO', 'true'],
      ['warnings', 'jsonb', 'NO', "'[]'::jsonb"],
    ]);
    const { rows } = await db.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE conrelid = 'business_store_service.tenant_schemas'::regclass ORDER BY conname`,
    );
    expect(rows.map((r) => r.def)).toEqual([
      'PRIMARY KEY (schema_id)',
      "CHECK ((policy = ANY (ARRAY['strict'::text, 'trusted'::text])))",
      'UNIQUE (tenant_id, version)',
      "CHECK ((transactional OR (policy = 'trusted'::text)))",
      'CHECK ((version > 0))',
    ]);
  });

  const arrange = async () => {
    const tenantId = randomUUID();
    const { rows } = await db.query<{ schema_id: string; checksum: string }>(
      `INSERT INTO business_store_service.tenant_schemas (tenant_id, version, ddl) VALUES ($1, 1, 'CREATE TABLE t (id int)')
       RETURNING schema_id, checksum`,
      [tenantId],
    );
    return { tenantId, schemaId: rows[0].schema_id, checksum: rows[0].checksum };
  };

  it('refuses a status outside pending/success/failed (schema_migrations_status_chk)', async () => {
    const { tenantId, schemaId } = await arrange();
    await expect(
      db.query(
        `INSERT INTO business_store_service.schema_migrations (tenant_schema_id, tenant_id, version_applied, status)
         VALUES ($1, $2, 1, 'done')`,
        [schemaId, tenantId],
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'schema_migrations_status_chk' });
  });

  it('refuses to delete a definition that has migration records (ON DELETE RESTRICT)', async () => {
    const { tenantId, schemaId } = await arrange();
    await db.query(
      `INSERT INTO business_store_service.schema_migrations (tenant_schema_id, tenant_id, version_applied) VALUES ($1, $2, 1)`,
      [schemaId, tenantId],
    );
    await expect(db.query(`DELETE FROM business_store_service.tenant_schemas WHERE schema_id = $1`, [schemaId])).rejects.toMatchObject({
      code: '23503',
      constraint: 'schema_migrations_tenant_schema_id_fkey',
    });
  });

  it('computes the checksum in the database and refuses to change a stored definition', async () => {
    const { schemaId, checksum } = await arrange();
    const { createHash } = await import('node:crypto');
    expect(checksum).toBe(createHash('sha256').update('CREATE TABLE t (id int)').digest('hex'));
    await expect(
      db.query(`UPDATE business_store_service.tenant_schemas SET ddl = 'DROP TABLE t' WHERE schema_id = $1`, [schemaId]),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('migrates idempotently: a second run applies nothing', async () => {
    expect(await migrate({ migrationUrl: process.env.MIGRATION_DATABASE_URL!, databaseUrl: process.env.DATABASE_URL! })).toEqual([]);
  });
});

describe('migrations on a database of their own', () => {
  const url = new URL(process.env.MIGRATION_DATABASE_URL!);
  url.pathname = `${url.pathname}_scratch`;
  const scratchUrl = url.toString();
  let db: pg.Pool;

  beforeAll(async () => {
    // migrate() creates the missing database, as `npm run migrate` does.
    expect(await migrate(scratchUrl)).toEqual(migrationsList.map((m) => m.name));
    db = new pg.Pool({ connectionString: scratchUrl, max: 2 });
  });

  afterAll(async () => {
    await db.end();
    const admin = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(url.pathname.slice(1))} WITH (FORCE)`);
    await admin.end();
  });

  it('serves a tenant history page from the history index with no sort', async () => {
    // 200,000 failed attempts over 2,000 tenants in 90 days, and one busy tenant with
    // 3,000 versions, each failed once and then applied: its pages must not sort.
    await db.query(`
      INSERT INTO business_store_service.tenant_schemas (tenant_id, version, ddl)
      SELECT gen_random_uuid(), 1, 'CREATE TABLE t (id int)' FROM generate_series(1, 2000)`);
    const tenantId = randomUUID();
    await db.query(`
      INSERT INTO business_store_service.tenant_schemas (tenant_id, version, ddl)
      SELECT $1, v, 'CREATE TABLE t (id int)' FROM generate_series(1, 3000) v`, [tenantId]);
    await db.query(`
      INSERT INTO business_store_service.schema_migrations (tenant_schema_id, tenant_id, version_applied, status, created_at)
      SELECT s.schema_id, s.tenant_id, 1, 'failed', now() - random() * interval '90 days'
      FROM business_store_service.tenant_schemas s, generate_series(1, 100) g WHERE s.tenant_id <> $1`, [tenantId]);
    await db.query(`
      INSERT INTO business_store_service.schema_migrations (tenant_schema_id, tenant_id, version_applied, status, created_at)
      SELECT s.schema_id, s.tenant_id, s.version, st.status, now() - random() * interval '90 days'
      FROM business_store_service.tenant_schemas s, (VALUES ('failed'), ('success')) st(status) WHERE s.tenant_id = $1`, [tenantId]);
    await db.query('ANALYZE business_store_service.schema_migrations');

    const cursor = { createdAt: new Date().toISOString().replace('Z', '000Z'), migrationId: randomUUID() };
    // With a status, either history index serves the order; the planner picks by selectivity.
    const pages = [
      { limit: 50 },
      { limit: 50, cursor },
      { limit: 50, status: 'failed' as const },
      { limit: 50, status: 'success' as const, cursor },
    ];
    for (const page of pages) {
      const { sql, params } = tenantHistorySql(tenantId, page);
      const plan = JSON.stringify((await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN']);
      expect(plan).toMatch(page.status ? /"Index Name":"schema_migrations_tenant_(status_)?history_idx"/ : /"Index Name":"schema_migrations_tenant_history_idx"/);
      expect(plan).not.toContain('"Node Type":"Sort"');
      expect(plan).not.toContain('"Node Type":"Seq Scan"');
    }
  });

  it('has a down for every step: down drops the tables, up restores them', async () => {
    const orm = await MikroORM.init(migratorOptions(scratchUrl));
    try {
      await orm.migrator.down({ to: 0 });
      const tables = async () =>
        (
          await db.query<{ table_name: string }>(
            `SELECT table_name FROM information_schema.tables
             WHERE table_schema = 'business_store_service' AND table_name <> 'mikro_orm_migrations' ORDER BY 1`,
          )
        ).rows.map((r) => r.table_name);
      expect(await tables()).toEqual([]);
      await orm.migrator.up();
      expect(await tables()).toEqual([
        'attempt_jobs',
        'definition_progress',
        'drift_check_tenants',
        'drift_checks',
        'drift_expected',
        'retention_runs',
        'rollout_attempts',
        'rollout_tenants',
        'rollout_waves',
        'rollouts',
        'schema_migrations',
        'tenant_schemas',
      ]);
    } finally {
      await orm.close(true);
    }
  });
});
