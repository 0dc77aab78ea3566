import { randomUUID } from 'node:crypto';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const tenantRoute = () => `/v1/tenants/${randomUUID()}/migrations`;

  it('answers 401 without a token, naming the header', async () => {
    const res = await t.http().get(tenantRoute()).expect(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Authorization: Bearer TOKEN is required' });
  });

  it('answers 401 for an unknown token and for a non-bearer scheme', async () => {
    await t.http().get(tenantRoute()).set(bearer('nope')).expect(401);
    await t.http().get(tenantRoute()).set('Authorization', `Basic ${TOKENS.reader}`).expect(401);
  });

  it('lets a read token read', async () => {
    await t.http().get(tenantRoute()).set(bearer(TOKENS.reader)).expect(200);
  });

  it('answers 403 for a token without the write scope, naming the scope', async () => {
    const res = await t
      .http()
      .post('/v1/tenant-schemas')
      .set(bearer(TOKENS.reader))
      .send({ tenant_id: randomUUID(), version: 1, ddl: 'CREATE TABLE a (id int)' })
      .expect(403);
    expect((res.body as { message: string }).message).toBe("token 'reader' lacks the 'write' scope");
  });

  it('lets a write token write', async () => {
    await t
      .http()
      .post('/v1/tenant-schemas')
      .set(bearer(TOKENS.writer))
      .send({ tenant_id: randomUUID(), version: 1, ddl: 'CREATE TABLE a (id int)' })
      .expect(201);
  });

  it('needs no token for /health', async () => {
    await t.http().get('/health').expect(200);
  });
});
