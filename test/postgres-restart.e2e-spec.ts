import pg from 'pg';
import { migrate } from '../src/migrator/migrate.js';
import { tenantSchema } from './factories/api.factory.js';
import { PrivatePostgres, freePort } from './support/private-postgres.js';
import { API_TOKENS, bearer, TOKENS } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startWorker, type WorkerProcess, workerReady } from './support/worker-process.js';

const TENANTS = 40;

/**
 * A PostgreSQL restart in the middle of a fan-out (issue 10): the service process survives it,
 * /health says 503 during the outage and 200 after, and every attempt ends exactly once.
 * Against a cluster of the test's own, never the shared server.
 */
describe('a PostgreSQL restart during a fan-out', () => {
  let server: PrivatePostgres;
  let owner: pg.Pool;
  let service: WorkerProcess;
  let base: string;
  const runtimeRole = 'bss_restart_rt';

  beforeAll(async () => {
    server = await PrivatePostgres.create();
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query(`CREATE ROLE ${runtimeRole} LOGIN NOINHERIT`);
    await admin.end();
    await migrate({ migrationUrl: server.url('bss'), databaseUrl: server.url('bss', runtimeRole) });
    owner = new pg.Pool({ connectionString: server.url('bss'), max: 2 });
    owner.on('error', () => undefined);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = startWorker({
      APP_ROLE: 'all',
      PORT: String(port),
      DATABASE_URL: server.url('bss', runtimeRole),
      API_TOKENS,
      WORKER_CONCURRENCY: '4',
      RECONCILE_EVERY_MS: '2000',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}_pgrestart`,
    });
    await workerReady(service);
  }, 60_000);

  afterAll(async () => {
    service?.child.kill('SIGKILL');
    await owner?.end();
    await server?.destroy();
  });

  const health = () => fetch(`${base}/health`).then((r) => r.status, () => 0);

  it('survives in the process, answers 503 during the outage, and ends every attempt exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const { rows } = await owner.query<{ schema_id: string }>(
        `INSERT INTO business_store_service.tenant_schemas (tenant_id, version, ddl)
         VALUES (gen_random_uuid(), 1, 'CREATE TABLE orders (id bigint PRIMARY KEY); INSERT INTO orders SELECT 1 FROM pg_sleep(0.2)')
         RETURNING schema_id`,
      );
      ids.push(rows[0].schema_id);
    }
    const res = await fetch(`${base}/v1/migrations/bulk`, {
      method: 'POST',
      headers: { ...bearer(TOKENS.writer), 'Content-Type': 'application/json' },
      body: JSON.stringify({ items: ids.map((id) => ({ tenant_schema_id: id })) }),
    });
    expect(res.status).toBe(202);
    const successes = async () =>
      Number((await owner.query<{ count: string }>(`SELECT count(*) FROM business_store_service.schema_migrations WHERE status = 'success'`)).rows[0].count);
    await waitFor('a few attempts to land', async () => (await successes()) >= 4);

    await server.stop(); // mid-fan-out: in-flight attempts lose their connections
    await waitFor('/health to answer 503', async () => (await health()) === 503);
    expect(service.child.exitCode).toBeNull();
    await server.start();
    await waitFor('/health to answer 200 again', async () => (await health()) === 200, 30_000);

    await waitFor(
      'every attempt to end',
      async () => Number((await owner.query<{ count: string }>(`SELECT count(*) FROM business_store_service.schema_migrations WHERE status = 'pending'`)).rows[0].count) === 0,
      90_000,
    );
    expect(service.child.exitCode).toBeNull();
    const { rows } = await owner.query<{ tenant_id: string; statuses: string[] }>(
      `SELECT s.tenant_id, array_agg(m.status) AS statuses
       FROM business_store_service.tenant_schemas s LEFT JOIN business_store_service.schema_migrations m ON m.tenant_schema_id = s.schema_id
       GROUP BY s.tenant_id`,
    );
    expect(rows).toHaveLength(TENANTS);
    for (const row of rows) {
      expect(row.statuses).toEqual(['success']);
      const applied = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tenantSchema(row.tenant_id)}.orders`);
      expect(applied.rows[0].n).toBe(1);
    }
  }, 150_000);
});
