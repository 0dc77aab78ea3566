import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { RETENTION_QUEUE, RETENTION_SCHEDULER_ID } from '../src/retention/retention.queue.js';
import { RECONCILE_QUEUE, RECONCILE_SCHEDULER_ID } from '../src/schema-apply/schema-apply.queue.js';
import { PrivateRedis } from './support/redis-server.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startWorker, workerReady } from './support/worker-process.js';

/** Terminus' answer: every check under `details`, and again under `info` (up) or `error` (down). */
interface HealthBody {
  status: string;
  info: Record<string, unknown>;
  error: Record<string, unknown>;
  details: Record<string, unknown>;
}
const anyNumber = expect.any(Number) as unknown;
const anyString = expect.any(String) as unknown;

describe('GET /health', () => {
  it('answers 200 when PostgreSQL and Redis answer', async () => {
    const t = await createTestApp();
    try {
      const res = await t.http().get('/health').expect(200);
      expect(res.body as HealthBody).toMatchObject({ status: 'ok', error: {}, details: { postgres: { status: 'up' }, redis: { status: 'up' } } });
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming Redis when Redis does not answer', async () => {
    // Nothing listens on port 1.
    const t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const body = (await t.http().get('/health').expect(503)).body as HealthBody;
      expect(body.status).toBe('error');
      expect(body.info).toEqual({ postgres: { status: 'up', responseTime: anyNumber } });
      expect(body.error).toEqual({ redis: { status: 'down', message: anyString, responseTime: anyNumber } });
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming PostgreSQL when PostgreSQL does not answer', async () => {
    let t: TestApp | undefined;
    try {
      t = await createTestApp({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/bss' });
      const body = (await t.http().get('/health').expect(503)).body as HealthBody;
      expect(body.error).toEqual({ postgres: { status: 'down', message: anyString, responseTime: anyNumber } });
      expect(body.info).toEqual({ redis: { status: 'up', responseTime: anyNumber } });
    } finally {
      await t?.close();
    }
  });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe("a worker process's /health on METRICS_PORT, and its schedulers, across a Redis restart", () => {
  const redis = new PrivateRedis();
  afterAll(() => redis.kill());

  it('goes to 503 naming Redis while Redis is stopped, and back to 200 when it returns, its schedulers again in place', async () => {
    await redis.start();
    const port = await freePort();
    const worker = startWorker({ REDIS_URL: redis.url, METRICS_PORT: String(port) });
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      return res && { status: res.status, body: (await res.json()) as HealthBody };
    };
    try {
      await workerReady(worker);
      expect(await waitFor('the worker to serve /health', health)).toMatchObject({ status: 200, body: { status: 'ok' } });

      await redis.kill();
      const down = await waitFor('/health to answer 503', async () => ((await health())?.status === 503 ? health() : undefined));
      expect(down.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
      expect(down.body.error.postgres).toBeUndefined();

      await redis.start();
      const up = await waitFor('/health to answer 200 again', async () => ((await health())?.status === 200 ? health() : undefined), 30_000);
      expect(up.body.status).toBe('ok');
      // The restarted Redis came back empty: the worker upserted its job schedulers again.
      for (const [name, id] of [
        [RECONCILE_QUEUE, RECONCILE_SCHEDULER_ID],
        [RETENTION_QUEUE, RETENTION_SCHEDULER_ID],
      ]) {
        const queue = new Queue(name, { connection: { url: redis.url }, prefix: process.env.QUEUE_PREFIX! });
        try {
          await waitFor(`the ${id} scheduler`, async () => (await queue.getJobSchedulers()).some((s) => s.key === id));
        } finally {
          await queue.close();
        }
      }
      // /metrics is served there too, and no API route.
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/v1/retention`)).status).toBe(404);
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  }, 90_000);
});
