import pg from 'pg';
import { readFileSync } from 'node:fs';
const url = process.argv[2];
const a = new pg.Client({ connectionString: url }); await a.connect();
const b = new pg.Client({ connectionString: url }); await b.connect();
const { rows } = await b.query(`SELECT n.oid AS schema, n.nspowner AS owner FROM pg_namespace n WHERE nspname LIKE 'tenant_%' LIMIT 1`);
const { schema, owner } = rows[0];
const queries = JSON.parse(readFileSync(process.argv[3], 'utf8'));
for (const [name, q] of Object.entries(queries)) {
  let plan = 0, exec = 0; const N = 30;
  for (let i = 0; i < N; i++) {
    await a.query(`CREATE SCHEMA plantest_${process.pid}_${name.replace(/\W/g,'')}_${i}`);
    const r = await b.query(`EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) ${q.replaceAll(':schema', schema).replaceAll(':owner', owner)}`);
    plan += r.rows[0]['QUERY PLAN'][0]['Planning Time']; exec += r.rows[0]['QUERY PLAN'][0]['Execution Time'];
  }
  console.log(name, 'plan', (plan / N).toFixed(3), 'exec', (exec / N).toFixed(3));
}
await a.query(`DO $$ DECLARE r record; BEGIN FOR r IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'plantest\\_%' LOOP EXECUTE format('DROP SCHEMA %I', r.nspname); END LOOP; END $$`);
await a.end(); await b.end();
