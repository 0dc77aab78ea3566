import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { migrate } from '../src/migrator/migrate.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const WORKER_CONCURRENCY = envInt('WORKER_CONCURRENCY', 8);
export const TOKENS = { write: 'bench-write', read: 'bench-read', admin: 'bench-admin' };
const API_TOKENS = `writer:${TOKENS.write}:read+write,reader:${TOKENS.read}:read,ops:${TOKENS.admin}:read+admin`;
export const SM = 'business_store_service.schema_migrations';
export const TS = 'business_store_service.tenant_schemas';

export function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

// ---- cleanup on Ctrl-C: children are killed, databases dropped --------------------------------

const cleanups = new Set<() => Promise<void>>();
export function onCleanup(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
async function cleanUpAndExit(): Promise<void> {
  console.error('\ninterrupted: cleaning up');
  for (const fn of [...cleanups].reverse()) await fn().catch(() => undefined);
  process.exit(130);
}
process.once('SIGINT', () => void cleanUpAndExit());

// ---- database -----------------------------------------------------------------------------------

export interface BenchDb {
  name: string;
  url: string;
  pool(max: number): pg.Pool;
  drop(): Promise<void>;
}

/** A fresh database `bss_bench_*`, migrated with the project's own migrate(). */
/**
 * Tenant roles come and go by the thousand (every run drops its own), and the cluster's shared
 * catalogs of roles and memberships keep the dead rows until a VACUUM: with autovacuum off, as
 * on this machine, every role lookup then walks them, and each run is slower than the last.
 */
export async function vacuumRoleCatalogs(): Promise<void> {
  await adminQuery('VACUUM pg_catalog.pg_authid, pg_catalog.pg_auth_members, pg_catalog.pg_shdepend');
}

export async function createBenchDb(): Promise<BenchDb> {
  const name = `bss_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const pools: pg.Pool[] = [];
  const drop = async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    const database = (await adminQuery<{ hex: string }>('SELECT to_hex(oid::bigint) AS hex FROM pg_database WHERE datname = $1', [name])).rows[0]?.hex;
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    // The database's tenant group and its apply sessions' roles are cluster-wide too.
    if (database) {
      const { rows } = await adminQuery<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname LIKE $1 OR rolname = $2', [`bss\\_session\\_${database}\\_%`, `bss_tenants_${database}`]);
      for (const { rolname } of rows) await adminQuery(`DROP ROLE IF EXISTS ${rolname}`).catch(() => undefined);
    }
  };
  const unregister = onCleanup(drop);
  await vacuumRoleCatalogs();
  await migrate(url.toString());
  return {
    name,
    url: url.toString(),
    pool(max) {
      const pool = new pg.Pool({ connectionString: url.toString(), max, application_name: 'bss-bench' });
      pool.on('error', () => undefined);
      pools.push(pool);
      return pool;
    },
    async drop() {
      unregister();
      await drop();
    },
  };
}

/** One statement on the `postgres` database (create/drop databases, roles). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await client.query<R>(sql, params);
  } finally {
    await client.end();
  }
}

/** Tenant roles are cluster-wide: drops the ones the service created for this run's tenants; returns how many. */
export async function dropTenantRoles(tenantIds: string[]): Promise<number> {
  // bss_tenant_<hex>_<database oid> (the baseline's own roles have no suffix).
  const names = tenantIds.map((id) => `bss\\_tenant\\_${id.replaceAll('-', '')}%`);
  let dropped = 0;
  for (let i = 0; i < names.length; i += 500) {
    const { rows } = await adminQuery<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname LIKE ANY($1)', [names.slice(i, i + 500)]);
    if (rows.length) await adminQuery(`DROP ROLE ${rows.map((r) => r.rolname).join(', ')}`);
    dropped += rows.length;
  }
  return dropped;
}

// ---- the real service as child processes -----------------------------------------------------

/** `all`: one APP_ROLE=all process; `split`: an api and a worker process; `api`: HTTP only (no apply workers, no reconciler). */
export type Topology = 'all' | 'split' | 'api';

export interface Service {
  port: number;
  describe: string;
  /** CPU seconds (user + system) its processes have used so far, from /proc; NaN where unavailable. */
  cpuSeconds(): number;
  /** The same, split into user and system (kernel) time. */
  cpuTimes(): CpuTimes;
  stop(): Promise<void>;
}

export interface CpuTimes {
  user: number;
  system: number;
}

function procCpuTimes(pid: number | undefined): CpuTimes {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100/s on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return { user: NaN, system: NaN };
  }
}

/**
 * CPU seconds PostgreSQL and Redis have used so far on this host, from /proc: every postgres and
 * redis-server process, plus what the postmaster collected from backends that have exited.
 * Meaningful only when both run on this machine.
 */
export function serverCpuSeconds(): { postgres: number; redis: number } {
  const total = { postgres: 0, redis: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return total;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const key = comm === 'postgres' ? 'postgres' : comm === 'redis-server' ? 'redis' : null;
      if (!key) continue;
      // utime, stime, cutime, cstime: fields 14-17, in clock ticks.
      const [utime, stime, cutime, cstime] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
      total[key] += (utime + stime + cutime + cstime) / 100;
    } catch {
      // the process ended between readdir and read
    }
  }
  return total;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function spawnService(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  // BENCH_SERVICE_NODE_OPTIONS, e.g. `--cpu-prof --cpu-prof-dir=bench/results/profiles`, to profile the service.
  const nodeOptions = process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {};
  // As `npm start` runs it: see the README on --liftoff-only.
  const child = spawn(process.execPath, ['--liftoff-only', `${ROOT}dist/src/main.js`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...nodeOptions, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, output: () => output };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `node dist/src/main.js` as the topology says. Ready when /health answers 200 and
 * (unless api only) the schema-apply queue has a worker.
 */
export async function startService(db: BenchDb, prefix: string, topology: Topology, extraEnv: Record<string, string> = {}): Promise<Service> {
  const port = await freePort();
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    API_TOKENS,
    APP_ENV: 'test',
    WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    RETENTION_CRON: '0 0 1 1 *', // keep the scheduled purge out of the way
    ...extraEnv,
  };
  const roles = { all: ['all'], split: ['api', 'worker'], api: ['api'] }[topology];
  const procs = roles.map((role) => spawnService({ ...env, APP_ROLE: role }));
  const stop = async () => {
    await Promise.all(procs.map((p) => stopChild(p.child)));
  };
  const unregister = onCleanup(stop);
  try {
    await waitUntil(`service on :${port}`, 60_000, async () => {
      const dead = procs.find((p) => p.child.exitCode !== null);
      if (dead) throw new Error(`service exited early:\n${dead.output()}`);
      const health = await request(port, 'GET', '/health').catch(() => null);
      return health?.status === 200 && (topology === 'api' || (await applyWorkers(prefix)) > 0);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const cpuTimes = (): CpuTimes =>
    procs.map((p) => procCpuTimes(p.child.pid)).reduce((sum, t) => ({ user: sum.user + t.user, system: sum.system + t.system }), { user: 0, system: 0 });
  return {
    port,
    describe: { all: '1 process APP_ROLE=all', split: '2 processes APP_ROLE=api + worker', api: '1 process APP_ROLE=api' }[topology],
    cpuTimes,
    cpuSeconds() {
      const { user, system } = cpuTimes();
      return user + system;
    },
    async stop() {
      unregister();
      await stop();
    },
  };
}

async function applyWorkers(prefix: string): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  const queue = new Queue('schema-apply', { connection, prefix });
  try {
    return await queue.getWorkersCount();
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Removes every Redis key of a BullMQ prefix. */
export async function dropQueuePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- HTTP client: keep-alive, enough sockets that the client is not the bottleneck ---------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });

export interface HttpResult {
  status: number;
  body: string;
}

export function request(port: number, method: string, path: string, opts: { token?: string; json?: unknown } = {}): Promise<HttpResult> {
  const payload = opts.json === undefined ? undefined : JSON.stringify(opts.json);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(0);
    req.on('error', reject);
    req.end(payload);
  });
}

// ---- load and statistics ------------------------------------------------------------------------

/** Runs `total` tasks on `concurrency` loops; returns each task's latency in ms, the wall time and this process's CPU use. */
export async function runConcurrent(concurrency: number, total: number, task: (i: number) => Promise<void>) {
  const latencies = new Float64Array(total);
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t = performance.now();
        await task(i);
        latencies[i] = performance.now() - t;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { latencies, seconds, clientCpu: round((used.user + used.system) / 1e6 / seconds) };
}

export interface Percentiles {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
  return { n: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1] ?? NaN) };
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function machineInfo() {
  const { rows } = await adminQuery<{ pg: string; shared_buffers: string; max_connections: string; synchronous_commit: string }>(
    `SELECT version() AS pg, current_setting('shared_buffers') AS shared_buffers,
            current_setting('max_connections') AS max_connections, current_setting('synchronous_commit') AS synchronous_commit`,
  );
  const redis = new Redis(REDIS_URL);
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
  redis.disconnect();
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory_gib: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    postgresql: String(rows[0].pg).split(' on ')[0],
    pg_settings: { shared_buffers: rows[0].shared_buffers, max_connections: rows[0].max_connections, synchronous_commit: rows[0].synchronous_commit },
    redis: redisVersion ?? 'unknown',
    worker_concurrency: WORKER_CONCURRENCY,
    loadavg_at_start: os.loadavg().map((x) => round(x)),
  };
}

/** A benchmark's rows for the final table. `ratio` is service / baseline. */
export interface Row {
  benchmark: string;
  service: string;
  baseline: string;
  ratio: string;
  target: string;
  /** ✔ or ✘ against the target; empty for rows without one. */
  ok: string;
}

export const ratio = (service: number, baseline: number) => `${round(service / baseline)}x`;
