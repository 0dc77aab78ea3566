import { Redis } from 'ioredis';
import pg from 'pg';

/** Drops the run's database and roles unless KEEP_TEST_DB is set, for inspecting a failure. */
export default async function globalTeardown() {
  if (process.env.KEEP_TEST_DB) return;
  const url = new URL(process.env.MIGRATION_DATABASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  // Tenant roles are cluster-wide: find this run's before its database goes, drop them after.
  const run = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await run.connect();
  const { rows } = await run.query(`SELECT nspowner::regrole::text AS role FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'`);
  // The database's tenant group and its apply sessions' roles (left by a process that was killed).
  const database = (await run.query(`SELECT to_hex(oid::bigint) AS hex FROM pg_database WHERE datname = current_database()`)).rows[0].hex;
  const own = await run.query(`SELECT rolname AS role FROM pg_roles WHERE rolname LIKE $1 OR rolname = $2`, [`bss\\_session\\_${database}\\_%`, `bss_tenants_${database}`]);
  await run.end();
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
  const tenantRoles = rows.map((r) => r.role).filter((r) => r.startsWith('bss_tenant_'));
  for (const role of [...tenantRoles, ...own.rows.map((r) => r.role), process.env.TEST_RUNTIME_ROLE]) {
    await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(role)}`).catch(() => undefined);
  }
  // A run makes and drops thousands of roles: their catalogs' dead rows would slow every later
  // run (and CI) on a cluster whose autovacuum is off, as this machine's is.
  await admin.query('VACUUM pg_catalog.pg_authid, pg_catalog.pg_auth_members, pg_catalog.pg_shdepend').catch(() => undefined);
  await admin.end();
  await obliterateQueuePrefix(process.env.REDIS_URL, process.env.QUEUE_PREFIX);
}

/**
 * Every BullMQ key of this run: its prefix (and `prefix_…` variants), and the hash-tagged
 * `{prefix_…}` one a test uses. Run prefixes are unique, so other runs' keys stay.
 */
async function obliterateQueuePrefix(redisUrl, prefix) {
  const redis = new Redis(redisUrl);
  try {
    for (const pattern of [`${prefix}*`, `{${prefix}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
