import pg from 'pg';
const c = new pg.Client({ connectionString: process.argv[2] }); await c.connect();
const variants = {
  full: 'ROLLBACK; CLOSE ALL; RESET ALL; DEALLOCATE ALL; UNLISTEN *; SELECT pg_catalog.pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP',
  noTemp: 'ROLLBACK; CLOSE ALL; RESET ALL; DEALLOCATE ALL; UNLISTEN *; SELECT pg_catalog.pg_advisory_unlock_all(); DISCARD SEQUENCES',
  temp: 'DISCARD TEMP',
  resetall: 'RESET ALL',
  rollback: 'ROLLBACK',
  select1: 'SELECT 1',
  discardall: 'DISCARD ALL',
};
for (const [name, sql] of Object.entries(variants)) {
  await c.query("SELECT set_config('search_path', 'public', false)");
  const s = performance.now(); for (let i = 0; i < 300; i++) { await c.query(sql); await c.query("SELECT set_config('search_path', 'public', false)"); } const t = performance.now() - s;
  console.log(name, (t / 300).toFixed(3));
}
await c.end();
