import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildForSpawn } from './support/build-for-spawn.js';

/**
 * A fresh database and BullMQ prefix per run. Plain JS: Jest loads global setup
 * outside its module system. test/migrate-once.ts then applies the real migrations/.
 */
export default async function globalSetup() {
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE bss_test_${run}`);
  await admin.end();
  url.pathname = `/bss_test_${run}`;
  process.env.DATABASE_URL = url.toString();
  process.env.QUEUE_PREFIX = `bss_test_${run}`;
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.TEST_BUILD_DIR = await buildForSpawn(fileURLToPath(new URL('..', import.meta.url)));
}
