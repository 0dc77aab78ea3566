import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildForSpawn } from './support/build-for-spawn.js';

/**
 * A fresh database, runtime role and BullMQ prefix per run. Plain JS: Jest loads global setup
 * outside its module system. test/migrate-once.ts then applies the real migrations/ as the owner
 * (MIGRATION_DATABASE_URL, the superuser here), which grants the runtime role what it needs.
 * The service under test connects as that role (DATABASE_URL): no superuser, no CREATEROLE,
 * as in production. Tests arrange and inspect rows through the owner's connection (support/db.ts).
 */
export default async function globalSetup() {
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const runtimeRole = `bss_test_rt_${run}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE bss_test_${run}`);
  // NOINHERIT: it acts as a tenant only after SET ROLE, never by inheriting a tenant's rights.
  await admin.query(`CREATE ROLE ${runtimeRole} LOGIN NOINHERIT`);
  await admin.end();
  url.pathname = `/bss_test_${run}`;
  process.env.MIGRATION_DATABASE_URL = url.toString();
  const runtimeUrl = new URL(url);
  runtimeUrl.username = runtimeRole;
  runtimeUrl.password = '';
  process.env.DATABASE_URL = runtimeUrl.toString();
  process.env.TEST_RUNTIME_ROLE = runtimeRole;
  process.env.QUEUE_PREFIX = `bss_test_${run}`;
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.TEST_BUILD_DIR = await buildForSpawn(fileURLToPath(new URL('..', import.meta.url)));
}
