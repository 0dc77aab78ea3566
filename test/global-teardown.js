import pg from 'pg';

/** Drops the run's database unless KEEP_TEST_DB is set, for inspecting a failure. */
export default async function globalTeardown() {
  if (process.env.KEEP_TEST_DB) return;
  const url = new URL(process.env.DATABASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
  await admin.end();
}
