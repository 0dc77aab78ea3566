import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../src/migrator/migrate.js';
import { tenantSessionSecret } from '../src/apply/scram-verifier.js';
import { ended, tenantSchema } from './factories/api.factory.js';
import { freePort, PrivatePostgres } from './support/private-postgres.js';
import { API_TOKENS, bearer, TOKENS } from './support/test-app.js';
import { startWorker, type WorkerProcess, workerReady } from './support/worker-process.js';

const S = 'business_store_service';

/**
 * A trusted attempt runs in an apply session, which logged in once as a role of its own with a
 * secret of its own, under real password authentication (the shared server trusts every local
 * connection, so only a cluster of the test's own, with scram-sha-256 on TCP, shows that the
 * verifier is right).
 */
describe('the apply session under SCRAM authentication', () => {
  let server: PrivatePostgres;
  let admin: pg.Client;
  const runtime = { role: 'bss_scram_rt', password: randomUUID() };
  const owner = { role: 'postgres', password: randomUUID() };

  beforeAll(async () => {
    server = await PrivatePostgres.create({ hostAuth: 'scram-sha-256' });
    const socket = new pg.Client(server.socketConfig('postgres'));
    await socket.connect();
    await socket.query(`ALTER ROLE postgres PASSWORD '${owner.password}'`);
    await socket.query(`CREATE ROLE ${runtime.role} LOGIN NOINHERIT PASSWORD '${runtime.password}'`);
    await socket.end();
    await migrate({ migrationUrl: server.url('bss', owner.role, owner.password), databaseUrl: server.url('bss', runtime.role, runtime.password) });
    admin = new pg.Client(server.socketConfig('bss'));
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await server?.destroy();
  });

  const login = async (role: string, password: string) => {
    const client = new pg.Client({ connectionString: server.url('bss', encodeURIComponent(role), password) });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query<{ who: string }>('SELECT session_user AS who')).rows[0].who;
    } catch (error) {
      return `refused ${(error as { code?: string }).code}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  it('lets the apply session role in with its secret only, and only until the session is closed', async () => {
    const service = new pg.Client({ connectionString: server.url('bss', runtime.role, runtime.password) });
    await service.connect();
    try {
      await expect(service.query(`SELECT ${S}.open_apply_session($1)`, ['a-plain-secret-of-more-than-32-characters'])).rejects.toMatchObject({ code: '22023' });

      const { secret, verifier } = tenantSessionSecret();
      const role = (await service.query<{ role: string }>(`SELECT ${S}.open_apply_session($1) AS role`, [verifier])).rows[0].role;
      expect(role).toMatch(/^bss_session_[0-9a-f]+_[0-9a-f]{16}$/);
      expect(await login(role, secret)).toBe(role);
      expect(await login(role, tenantSessionSecret().secret)).toBe('refused 28P01');

      await service.query(`SELECT ${S}.close_apply_session($1, false)`, [role]);
      expect(await login(role, secret)).toMatch(/^refused 28(P01|000)$/);
      const { rows } = await admin.query('SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = $1', [role]);
      expect(rows).toEqual([{ rolcanlogin: false, rolpassword: null }]);

      await service.query(`SELECT ${S}.close_apply_session($1, true)`, [role]);
      expect((await admin.query('SELECT 1 FROM pg_authid WHERE rolname = $1', [role])).rows).toEqual([]);
      // Only session roles of this database: never a tenant's, nor the service's own.
      await expect(service.query(`SELECT ${S}.close_apply_session($1, true)`, [runtime.role])).rejects.toMatchObject({ code: '42501' });
    } finally {
      await service.end();
    }
  });

  it('opens sessions side by side while the roles of dead sessions are swept: each dead role is dropped once', async () => {
    const hex = (await admin.query<{ hex: string }>('SELECT to_hex(oid::bigint) AS hex FROM pg_database WHERE datname = current_database()')).rows[0].hex;
    const dead = Array.from({ length: 20 }, (_, i) => `bss_session_${hex}_${i.toString(16).padStart(16, '0')}`);
    for (const role of dead) await admin.query(`CREATE ROLE ${role} LOGIN NOINHERIT VALID UNTIL '2000-01-01'`);
    const services = Array.from({ length: 6 }, () => new pg.Client({ connectionString: server.url('bss', runtime.role, runtime.password) }));
    await Promise.all(services.map((c) => c.connect()));
    try {
      const opened = await Promise.allSettled(
        services.map(async (c) => (await c.query<{ role: string }>(`SELECT ${S}.open_apply_session($1) AS role`, [tenantSessionSecret().verifier])).rows[0].role),
      );
      expect(opened.filter((o) => o.status === 'rejected')).toEqual([]);
      const roles = opened.map((o) => (o as PromiseFulfilledResult<string>).value);
      // Whatever a sweep left to one running beside it, the next session's sweep drops.
      roles.push((await services[0].query<{ role: string }>(`SELECT ${S}.open_apply_session($1) AS role`, [tenantSessionSecret().verifier])).rows[0].role);
      expect((await admin.query('SELECT rolname FROM pg_roles WHERE rolname = ANY ($1)', [dead])).rows).toEqual([]);
      for (const role of roles) await services[0].query(`SELECT ${S}.close_apply_session($1, true)`, [role]);
    } finally {
      await Promise.all(services.map((c) => c.end()));
    }
  });

  it("applies a trusted version through the service, in an apply session acting as the tenant's role", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let worker: WorkerProcess | undefined;
    try {
      worker = startWorker({
        APP_ROLE: 'all',
        PORT: String(port),
        DATABASE_URL: server.url('bss', runtime.role, runtime.password),
        API_TOKENS,
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}_scram`,
      });
      await workerReady(worker);
      const tenantId = randomUUID();
      const ddl = `CREATE TABLE logins (id int);\nDO $$ BEGIN EXECUTE format('COMMENT ON TABLE logins IS %L', session_user || '|' || current_user); END $$;`;
      const defined = await fetch(`${base}/v1/tenant-schemas`, {
        method: 'POST',
        headers: { ...bearer(TOKENS.trusted), 'Content-Type': 'application/json' },
        body: JSON.stringify({ tenant_id: tenantId, version: 1, ddl, policy: 'trusted' }),
      });
      expect(defined.status).toBe(201);
      const { schema_id } = (await defined.json()) as { schema_id: string };
      const applied = await fetch(`${base}/v1/migrations`, {
        method: 'POST',
        headers: { ...bearer(TOKENS.writer), 'Content-Type': 'application/json' },
        body: JSON.stringify({ tenant_schema_id: schema_id }),
      });
      expect(applied.status).toBe(202);
      const { migration_id } = (await applied.json()) as { migration_id: string };
      const pool = new pg.Pool(server.socketConfig('bss'));
      try {
        const record = await ended(pool, migration_id, 30_000);
        expect({ status: record.status, details: record.details }).toEqual({ status: 'success', details: expect.stringMatching(/^Applied schema version 1\./) as string });
      } finally {
        await pool.end();
      }
      const { rows } = await admin.query<{ comment: string; owner: string; rolcanlogin: boolean }>(
        `SELECT obj_description(c.oid, 'pg_class') AS comment, n.nspowner::regrole::text AS owner, r.rolcanlogin
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_roles r ON r.oid = n.nspowner
         WHERE n.nspname = $1 AND c.relname = 'logins'`,
        [tenantSchema(tenantId)],
      );
      expect(rows).toHaveLength(1);
      const [session, current] = rows[0].comment.split('|');
      expect(session).toMatch(/^bss_session_[0-9a-f]+_[0-9a-f]{16}$/);
      expect(current).toBe(rows[0].owner);
      expect(rows[0].owner).toMatch(/^bss_tenant_/);
      expect(rows[0].rolcanlogin).toBe(false);
    } finally {
      worker?.child.kill('SIGKILL');
      await worker?.exited;
    }
  }, 90_000);
});
