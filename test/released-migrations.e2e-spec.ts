import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { migrate, migratorOptions } from '../src/migrator/migrate.js';
import { DB_DIR } from '../src/database/sql-source.js';
import { databaseStructure } from './support/database-structure.js';

const ROOT = join(DB_DIR, '..');

/**
 * Every migration that has landed on main, and the past texts its down() restores (db/history/),
 * with their SHA-256: users' databases were migrated by these texts, so they never change
 * (docs/contract.md §2). A change that needs a different schema adds a migration, and its line here.
 */
const RELEASED: [string, string][] = [
  ['migrations/Migration20261124000000_audit_log.ts', '63e6fe536c6907b04cb795226f90fbbad0b34517c5897ad5eaafbd431586d6f7'],
  ['migrations/Migration20261124010000_attempt_uniqueness.ts', '63c529a1b528dae77701beb61f66c784c55565ae9f4fbc94d7c90c4314db8353'],
  ['migrations/Migration20261124020000_sandbox_and_append_only.ts', 'db9dbd6eeba14b221025bf14dac3c06cfe01d83a934a2bbba8a4cc17775b86c1'],
  ['migrations/Migration20261124030000_retention_runs.ts', 'd5f01b853a6575f030bae8fbf4f1ca7b814d7eca600891e7565f966e4f429e70'],
  ['migrations/Migration20261124040000_apply_functions.ts', '7c1aa45e603693d4a815c1f7121c7f0f809a3841b24b84c16a5d9f6d21405bad'],
  ['migrations/Migration20261130000000_definition_policies.ts', '433b7daca1c3d9282ef723a6962ccc55dded0b9217e69c7e5c5f45dca55e2008'],
  ['migrations/Migration20261130010000_least_privilege.ts', '2ced8f32d31725870ef119ae9623a852af20f7eb92bd3e2414384c9d6f4fa6fb'],
  ['migrations/Migration20261130050000_attempt_jobs.ts', '9b471b2a9d3d61da313369a96225e7fe62a50441e2489e477df6c8c61d0f5cc1'],
  ['migrations/Migration20261130100000_rollouts.ts', '6d24b971590b4623475adb7653abb5ef7deab34661b32931c3e3e4e54411edb1'],
  ['migrations/Migration20261130300000_trusted_sessions.ts', '5470927dad3ea04391f49d06ef621cb7197c9e4c281bbaaec99094eeff300657'],
  ['migrations/Migration20261207000000_trusted_as_written.ts', 'f9952179c43f9d0d304ca9ea0a8f028aaac17b0d9dc6a578285eef0d6a26b273'],
  ['migrations/Migration20261207100000_functions_as_source.ts', '6d79494992ad400ae032e9e91fff721ac42a9a20f9b98eb49cfc4bd6d63c0578'],
  ['migrations/Migration20261208000000_drift.ts', '35cfdb6f516445912499162689ed4e77a58a6c0680bb17a1877cf87085dfbe22'],
  ['migrations/Migration20261208100000_wave_counts.ts', '8778263bc5a0e88a7a2f1d8d07f4e436c769415581ef5050c9968a037dcfefa4'],
  ['db/history/Migration20261207000000_trusted_as_written/bss_gate.check_session.sql', '0fc2859c7a27f21796efadad7fcb9c5d22c12abd932185fa563d952b1c500d45'],
  ['db/history/Migration20261207000000_trusted_as_written/bss_gate.finish_attempt.sql', '941490a27e636b7eceadbc1c0f46e0c8f7eaa48164795d12321c8c6bdac2c930'],
  ['db/history/Migration20261207000000_trusted_as_written/business_store_service.close_tenant_session.sql', '3ff0c37c7989a6f73c839c5f307facef9b6bb14861c439babe3ed63bae899306'],
  ['db/history/Migration20261207000000_trusted_as_written/business_store_service.open_tenant_session.sql', '02c7e8adf52b538e070d62d7b93bb9fd0b4acdad5b6bb6da4e5d879c94c1c6b6'],
  ['db/history/Migration20261208000000_drift/business_store_service.install_extension.sql', '2fb331ebdde48c5e9cfc52f553ae4637d0fa922d27e40b477c3ac91d22e15c8d'],
  ['db/history/Migration20261208100000_wave_counts/business_store_service.rollout_tenants_count.sql', '6d84f7c082deea87fdfc7e4febfd7a30d204293d6319f6ffb8999df2193b59f5'],
  ['db/history/Migration20261208100000_wave_counts/business_store_service.rollout_tenants_count_insert.sql', '024375ca1be1019a5a6179c99717727bd64e477ed5fa9d20d2d711e8071e4d58'],
];

/** The last migration of the previous release (what main held before this round's migrations). */
const PREVIOUS_RELEASE = 'Migration20261130300000_trusted_sessions';

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(join(ROOT, path))).digest('hex');
}

describe('released migrations', () => {
  it('never change: each file hashes to the checksum it landed with', async () => {
    const changed = [];
    for (const [path, checksum] of RELEASED) if ((await sha256(path)) !== checksum) changed.push(path);
    expect(changed).toEqual([]);
  });

  it('are all listed: a new migration (or past text) adds its line', async () => {
    const migrations = (await readdir(join(ROOT, 'migrations'))).filter((f) => /^Migration\d+_\w+\.ts$/.test(f)).map((f) => `migrations/${f}`);
    const history = (await readdir(join(DB_DIR, 'history'), { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith('.sql'))
      .map((e) => join(e.parentPath, e.name).slice(ROOT.length + 1));
    expect([...migrations, ...history].sort()).toEqual(RELEASED.map(([path]) => path).sort());
  });
});

describe('upgrading a database of the previous release', () => {
  const owner = new URL(process.env.MIGRATION_DATABASE_URL!);
  const runtime = new URL(process.env.DATABASE_URL!);
  const base = owner.pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(owner), { pathname: '/postgres' }).toString() });
  const urls = (name: string) => ({
    migrationUrl: Object.assign(new URL(owner), { pathname: `/${name}` }).toString(),
    databaseUrl: Object.assign(new URL(runtime), { pathname: `/${name}` }).toString(),
  });
  const upgraded = urls(`${base}_upgraded`);
  const fresh = urls(`${base}_fresh`);

  beforeAll(() => admin.connect());
  afterAll(async () => {
    for (const { migrationUrl } of [upgraded, fresh]) {
      const name = new URL(migrationUrl).pathname.slice(1);
      const { rows } = await admin.query<{ hex: string }>(`SELECT to_hex(oid::bigint) AS hex FROM pg_database WHERE datname = $1`, [name]);
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      if (!rows[0]) continue;
      const roles = await admin.query<{ rolname: string }>(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1 OR rolname = $2`, [`bss\\_tenant\\_%\\_${rows[0].hex}`, `bss_tenants_${rows[0].hex}`]);
      for (const { rolname } of roles.rows) await admin.query(`DROP ROLE ${admin.escapeIdentifier(rolname)}`);
    }
    await admin.end();
  });

  /** The structure with the database's OID (in its tenant roles' names) taken out, to compare two databases. */
  async function structureOf(url: string): Promise<unknown> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { hex } = (await client.query<{ hex: string }>(`SELECT to_hex(oid::bigint) AS hex FROM pg_database WHERE datname = current_database()`)).rows[0];
      return JSON.parse(JSON.stringify(await databaseStructure(client)).replaceAll(hex, '<database>'));
    } finally {
      await client.end();
    }
  }

  it('comes out identical to a fresh database, with every stored row kept', async () => {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(new URL(upgraded.migrationUrl).pathname.slice(1))}`);
    const orm = await MikroORM.init(migratorOptions(upgraded.migrationUrl));
    try {
      const applied = await orm.migrator.up({ to: PREVIOUS_RELEASE });
      expect(applied.at(-1)?.name).toBe(PREVIOUS_RELEASE);
    } finally {
      await orm.close(true);
    }

    // What a user's database of the previous release holds: a tenant, definitions and attempts that ended both ways.
    const client = new pg.Client({ connectionString: upgraded.migrationUrl });
    await client.connect();
    const rows = `SELECT (SELECT json_agg(t ORDER BY version) FROM business_store_service.tenant_schemas t) AS definitions,
                         (SELECT json_agg(m ORDER BY version_applied, status) FROM business_store_service.schema_migrations m) AS attempts`;
    let before: unknown;
    try {
      const tenant = '6ed9ef66-0000-4000-8000-000000000001';
      await client.query(`SELECT business_store_service.provision_tenant($1)`, [tenant]);
      await client.query(
        `INSERT INTO business_store_service.tenant_schemas (tenant_id, version, ddl) VALUES ($1, 1, 'CREATE TABLE t (id int)'), ($1, 2, 'ALTER TABLE t ADD c text')`,
        [tenant],
      );
      await client.query(`
        INSERT INTO business_store_service.schema_migrations (tenant_schema_id, tenant_id, version_applied, status, details, applied_by)
        SELECT schema_id, tenant_id, version, s.status, s.details, 'upgrade test'
        FROM business_store_service.tenant_schemas, (VALUES ('success', NULL), ('failed', '42P07: relation "t" already exists')) s(status, details)
        WHERE tenant_id = $1 AND (version = 1 OR s.status = 'failed')`,
        [tenant],
      );
      before = (await client.query(rows)).rows[0];
      expect((before as { attempts: unknown[] }).attempts).toHaveLength(3);

      await migrate(upgraded);
      await migrate(fresh);
      expect((await client.query(rows)).rows[0]).toEqual(before);
    } finally {
      await client.end();
    }
    expect(await structureOf(upgraded.migrationUrl)).toEqual(await structureOf(fresh.migrationUrl));
  });
});
