import { createServer } from 'node:net';
import { defineVersions, ended, requestApply } from './factories/api.factory.js';
import { API_TOKENS, bearer, TOKENS } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startWorker, workerReady } from './support/worker-process.js';
import { useTestApp } from './support/use-test-app.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The fields of the service's JSON log lines that these tests read. */
interface LogLine {
  migration_id?: string;
  msg?: string;
  req?: { id?: unknown; url?: string; headers: { authorization?: string } };
  res?: { statusCode: number };
}

describe('GET /metrics', () => {
  const suite = useTestApp();
  const { db } = suite;

  it('serves Prometheus text without a token, covering attempts, applies, queues, retention, HTTP and the process', async () => {
    const { tenantId, schemaIds } = await defineVersions(suite.t, ['CREATE TABLE m1 (id int); CREATE TABLE m2 (id int)']);
    expect((await ended(db, (await requestApply(suite.t, schemaIds[0])).migration_id)).status).toBe('success');
    await suite.t.http().get(`/v1/tenants/${tenantId}/migrations`).set(bearer(TOKENS.reader)).expect(200);
    await suite.t.http().post('/v1/retention/purge').set(bearer(TOKENS.admin)).expect(200);

    const res = await suite.t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
    expect(value(/^bss_migration_attempts_total\{status="pending"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^bss_migration_attempts_total\{status="success"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^bss_apply_duration_seconds_count\{status="success"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^bss_statements_applied_total (\d+)/m)).toBeGreaterThanOrEqual(2);
    expect(value(/^bss_queue_jobs\{queue="schema-apply",state="completed"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^bss_queue_jobs\{queue="retention",state="waiting"\} \d+/m);
    expect(text).toMatch(/^bss_queue_jobs\{queue="schema-apply-reconcile",state="failed"\} \d+/m);
    expect(value(/^bss_retention_last_run_timestamp_seconds (\d+(\.\d+)?)/m)).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(text).toMatch(/^bss_retention_deleted_total \d+/m);
    expect(text).toMatch(/^bss_http_request_duration_seconds_count\{method="GET",route="\/v1\/tenants\/:tenant_id\/migrations",status="200"\} [1-9]/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });
});

describe('structured logs of the running service', () => {
  it('writes JSON lines with request ids and attempt ids, and never a token', async () => {
    const port = await freePort();
    const service = startWorker({ APP_ROLE: 'all', PORT: String(port), API_TOKENS, LOG_LEVEL: 'info' });
    try {
      await workerReady(service);
      await waitFor('the service to listen', async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok);
      const headers = { Authorization: `Bearer ${TOKENS.writer}`, 'Content-Type': 'application/json', 'X-Request-Id': 'req-observability-1' };
      const tenantId = crypto.randomUUID();
      const schema = (await (
        await fetch(`http://127.0.0.1:${port}/v1/tenant-schemas`, { method: 'POST', headers, body: JSON.stringify({ tenant_id: tenantId, version: 1, ddl: 'CREATE TABLE logged (id int)' }) })
      ).json()) as { schema_id: string };
      const attempt = (await (
        await fetch(`http://127.0.0.1:${port}/v1/migrations`, { method: 'POST', headers, body: JSON.stringify({ tenant_schema_id: schema.schema_id }) })
      ).json()) as { migration_id: string };

      const lines = () =>
        service
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as LogLine);
      const ended = await waitFor('the attempt to be logged', () => Promise.resolve(lines().find((l) => l.migration_id === attempt.migration_id && /ended/.test(l.msg ?? ''))));
      expect(ended).toMatchObject({ tenant_id: tenantId, job_id: attempt.migration_id, status: 'success' });

      const request = lines().find((l) => l.req?.id === 'req-observability-1' && l.req?.url === '/v1/migrations');
      expect(request).toBeDefined();
      expect(request!.req!.headers.authorization).toBe('[Redacted]');
      expect(request!.res!.statusCode).toBe(202);
      expect(lines().filter((l) => l.req).every((l) => typeof l.req?.id === 'string' && l.req.id.length > 0)).toBe(true);
      expect(service.output()).not.toContain(TOKENS.writer);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  }, 60_000);

  it('serves /metrics from a worker process when METRICS_PORT is set', async () => {
    const port = await freePort();
    const worker = startWorker({ METRICS_PORT: String(port) });
    try {
      await workerReady(worker);
      const res = await waitFor('worker metrics', async () => (await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => null)) ?? undefined);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^# TYPE bss_apply_duration_seconds histogram/m);
      expect(text).toMatch(/^bss_queue_jobs\{queue="schema-apply",state="waiting"\} \d+/m);
      expect((await fetch(`http://127.0.0.1:${port}/v1/retention`)).status).toBe(404);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  }, 60_000);
});
