import pg from 'pg';
import { randomUUID } from 'node:crypto';
const url = process.argv[2];
const N = Number(process.argv[3] ?? 300);
const admin = new pg.Client({ connectionString: url }); await admin.connect();
const S = 'business_store_service';
const ddl = ['CREATE TABLE customers (id bigint PRIMARY KEY, name text)', 'ALTER TABLE customers ADD COLUMN email text', 'CREATE INDEX customers_email_idx ON customers (email)'];
async function def(tenant, policy) {
  const { rows } = await admin.query(`INSERT INTO ${S}.tenant_schemas (tenant_id, version, ddl, policy) VALUES ($1, 1, $2, $3) RETURNING schema_id`, [tenant, ddl.join(';\n'), policy]);
  const m = await admin.query(`INSERT INTO ${S}.schema_migrations (tenant_schema_id, tenant_id, version_applied) VALUES ($1, $2, 1) RETURNING migration_id`, [rows[0].schema_id, tenant]);
  return m.rows[0].migration_id;
}
const holder = new pg.Client({ connectionString: url }); await holder.connect();
// an apply session as the service makes one
const { scramVerifier } = await import('../dist/src/schema-apply/scram-verifier.js').catch(() => ({}));
const { tenantSessionSecret } = await import('../dist/src/schema-apply/scram-verifier.js');
const { secret, verifier } = tenantSessionSecret();
const role = (await holder.query(`SELECT ${S}.open_apply_session($1) AS role`, [verifier])).rows[0].role;
const u = new URL(url); u.username = role; u.password = secret;
const sess = new pg.Client({ connectionString: u.toString() }); await sess.connect();
await holder.query(`SELECT ${S}.close_apply_session($1, false)`, [role]);
const phases = {};
const t = async (name, fn) => { const s = performance.now(); const r = await fn(); phases[name] = (phases[name] ?? 0) + performance.now() - s; return r; };
const esc = (v) => holder.escapeLiteral(v);
const mode = process.argv[4] ?? 'trusted';
const ids = [];
for (let i = 0; i < N; i++) { const tenant = randomUUID(); ids.push([tenant, await def(tenant, mode)]); }
const start = performance.now();
for (const [tenant, mid] of ids) {
  const schema = 'tenant_' + tenant.replaceAll('-', '');
  if (mode === 'strict') {
    await t('claim+enter', () => holder.query(`BEGIN; SET LOCAL lock_timeout = 5000; SET LOCAL statement_timeout = 60000; SELECT * FROM ${S}.claim_attempt(${esc(mid)}, true)`));
    const r = (await holder.query(`SELECT tenant_role FROM ${S}.claim_attempt(${esc(mid)}, false) LIMIT 0`).catch(()=>({rows:[]})));
    const trole = (await holder.query(`SELECT current_setting('bss.tenant_role', true) AS r`)).rows[0].r;
    await t('stmt1', () => holder.query(`SELECT pg_catalog.set_config('search_path', '${schema}, bss_extensions', true), pg_catalog.set_config('role', pg_catalog.set_config('bss.tenant_role', ${S}.enter_tenant('${tenant}'), true), true);\n${ddl[0]}`));
    await t('stmts', async () => { await holder.query(ddl[1]); await holder.query(ddl[2]); });
    await t('finish', () => holder.query(`SET CONSTRAINTS ALL IMMEDIATE; SELECT pg_catalog.set_config('bss.ddl_role', current_user, true); RESET ROLE; SELECT ${S}.leave_tenant('${tenant}'); SELECT ended, waiting FROM ${S}.finish_attempt(${esc(mid)}, 'ok'); COMMIT; SELECT ${S}.release_tenant('${tenant}')`));
  } else {
    await t('claim', () => holder.query(`BEGIN; SET LOCAL lock_timeout = 5000; SET LOCAL statement_timeout = 60000; SELECT * FROM ${S}.claim_attempt(${esc(mid)}, true)`));
    await t('rollback', () => holder.query('ROLLBACK'));
    const trole = await t('lend', async () => (await holder.query(`SELECT ${S}.lend_tenant($1, $2) AS role`, [tenant, role])).rows[0].role);
    await t('stmt1', () => sess.query(`BEGIN; SET LOCAL lock_timeout = 5000; SET LOCAL statement_timeout = 60000; SELECT pg_catalog.set_config('search_path', '${schema}, bss_catalog, pg_catalog, bss_extensions', true), pg_catalog.set_config('role', '${trole}', true);\n${ddl[0]}`));
    await t('stmts', async () => { await sess.query(ddl[1]); await sess.query(ddl[2]); });
    await t('finish', () => sess.query(`SET CONSTRAINTS ALL IMMEDIATE; SELECT ended, waiting FROM bss_gate.finish_attempt(${esc(mid)}, 'ok'); COMMIT`));
    await t('reset', () => sess.query(process.env.RESET ?? 'ROLLBACK; CLOSE ALL; RESET ALL; DEALLOCATE ALL; UNLISTEN *; SELECT pg_catalog.pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP; DISCARD PLANS'));
    await t('release', () => holder.query(`SELECT ${S}.release_tenant('${tenant}')`));
  }
}
const total = performance.now() - start;
console.log(mode, 'per attempt ms', (total / N).toFixed(2), Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, (v / N).toFixed(2)])));
await sess.end(); await holder.query(`SELECT ${S}.close_apply_session($1, true)`, [role]); await holder.end(); await admin.end();
