import { createTestApp, type TestApp } from './support/test-app.js';

describe('GET /health', () => {
  it('answers 200 when PostgreSQL and Redis answer', async () => {
    const t = await createTestApp();
    try {
      const res = await t.http().get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', checks: { postgres: { status: 'up' }, redis: { status: 'up' } } });
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming Redis when Redis does not answer', async () => {
    // Nothing listens on port 1.
    const t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await t.http().get('/health').expect(503);
      expect(res.body.status).toBe('error');
      expect(res.body.checks.postgres).toEqual({ status: 'up' });
      expect(res.body.checks.redis).toEqual({ status: 'down', error: expect.any(String) });
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming PostgreSQL when PostgreSQL does not answer', async () => {
    let t: TestApp | undefined;
    try {
      t = await createTestApp({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/bss' });
      const res = await t.http().get('/health').expect(503);
      expect(res.body.checks.postgres).toEqual({ status: 'down', error: expect.any(String) });
      expect(res.body.checks.redis).toEqual({ status: 'up' });
    } finally {
      await t?.close();
    }
  });
});
