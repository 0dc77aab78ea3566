import { randomUUID } from 'node:crypto';
import { bearer, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** Nest's error body; `message` is a string or, from validation, a list of strings. */
interface ErrorBody {
  message: string | string[];
}

describe('bad input gets a 4xx that names the problem, and stores nothing', () => {
  const suite = useTestApp();
  const { db } = suite;

  const count = async () => Number((await db.query<{ count: string }>('SELECT count(*) FROM business_store_service.tenant_schemas')).rows[0].count);
  const postRaw = (body: string, type = 'application/json') =>
    suite.t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.writer)).set('Content-Type', type).send(body);

  it('answers 400 for malformed JSON', async () => {
    const before = await count();
    const res = await postRaw('{"tenant_id": ').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect((res.body as ErrorBody).message).toMatch(/^request body is not valid JSON: /);
    expect(await count()).toBe(before);
  });

  it('answers 400 for a JSON body that is not an object', async () => {
    for (const body of ['null', '"text"', '42']) {
      const res = await postRaw(body).expect(400);
      expect((res.body as ErrorBody).message).toMatch(/^request body is not valid JSON/);
    }
    const res = await postRaw('[]').expect(400);
    expect([(res.body as ErrorBody).message].flat().join()).toContain('tenant_id must be a UUID');
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const before = await count();
    const body = JSON.stringify({ tenant_id: randomUUID(), version: 1, ddl: `CREATE TABLE a (id int); -- ${'x'.repeat(1024 * 1024)}` });
    const res = await postRaw(body).expect(413);
    expect(res.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'request body exceeds 1048576 bytes (1 MiB)' });
    expect(await count()).toBe(before);
  });

  it('answers 400 naming the fields when the body is not JSON at all', async () => {
    const res = await postRaw('tenant_id=1', 'text/plain').expect(400);
    expect([(res.body as ErrorBody).message].flat().join()).toContain('tenant_id must be a UUID');
  });

  it('answers 400 naming the field for a NUL character anywhere, and stores nothing', async () => {
    const counts = async () =>
      (await db.query<{ s: string; m: string }>('SELECT (SELECT count(*) FROM business_store_service.tenant_schemas) AS s, (SELECT count(*) FROM business_store_service.schema_migrations) AS m')).rows[0];
    const tenantId = randomUUID();
    const stored = await suite.t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.writer)).send({ tenant_id: tenantId, version: 1, ddl: 'CREATE TABLE t (id int)' }).expect(201);
    const schemaId = (stored.body as { schema_id: string }).schema_id;
    const before = await counts();
    const nul = 'a\u0000b';
    const cases: [string, string, object | undefined, string][] = [
      ['post', '/v1/tenant-schemas', { tenant_id: tenantId, version: 2, ddl: `CREATE TABLE u (id int); -- ${nul}` }, 'ddl'],
      ['post', '/v1/tenant-schemas', { tenant_id: tenantId, version: 2, ddl: 'CREATE TABLE u (id int)', description: nul }, 'description'],
      ['post', '/v1/migrations', { tenant_schema_id: schemaId, applied_by: nul }, 'applied_by'],
      ['post', '/v1/migrations/bulk', { items: [{ tenant_schema_id: schemaId }, { tenant_schema_id: schemaId, applied_by: nul }] }, 'items[1].applied_by'],
      ['post', `/v1/migrations/${randomUUID()}/retry`, { applied_by: nul }, 'applied_by'],
      ['get', `/v1/tenants/${tenantId}/migrations?status=pending%00`, undefined, 'status'],
      ['get', `/v1/tenants/${tenantId}/migrations?cursor=abc%00def`, undefined, 'cursor'],
      ['get', `/v1/tenant-schemas/${schemaId}/migrations?status=%00`, undefined, 'status'],
    ];
    for (const [method, path, body, field] of cases) {
      const req = method === 'post' ? suite.t.http().post(path).set(bearer(TOKENS.writer)).send(body) : suite.t.http().get(path).set(bearer(TOKENS.reader));
      const res = await req;
      expect({ path, field, status: res.status }).toEqual({ path, field, status: 400 });
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: [`${field} must not contain a NUL character (\\u0000)`] });
    }
    expect(await counts()).toEqual(before);
  });

  it('answers 400 for every non-UUID id in a path, never 500', async () => {
    const paths = [
      ['/v1/tenant-schemas/1', 'schema_id'],
      ['/v1/tenant-schemas/%27%3B%20DROP%20TABLE%20x/migrations', 'schema_id'],
      ['/v1/tenants/00000000-0000-0000-0000-00000000000g/tenant-schemas', 'tenant_id'],
      ['/v1/tenants/x/migrations', 'tenant_id'],
      ['/v1/tenants/x/schema-version', 'tenant_id'],
      ['/v1/migrations/null', 'migration_id'],
    ];
    for (const [path, name] of paths) {
      const res = await suite.t.http().get(path).set(bearer(TOKENS.reader)).expect(400);
      expect((res.body as ErrorBody).message).toMatch(new RegExp(`^${name} must be a UUID`));
    }
  });

  it('answers 404 in Nest\'s shape for an unknown route', async () => {
    const res = await suite.t.http().get('/v1/nothing-here').set(bearer(TOKENS.reader)).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
