import { createHash, randomUUID } from 'node:crypto';
import { testPool } from './support/db.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';

const SEED_DDL = `CREATE TABLE payments (id uuid PRIMARY KEY, amount numeric NOT NULL);
ALTER TABLE invoices ADD COLUMN due_date date;`;

/** A stored definition, as far as these tests read it. */
interface TenantSchemaBody {
  schema_id: string;
  warnings: { rule: string; statement: number; message: string }[];
}

/** Nest's error body; `message` is a string or, from validation, a list of strings. */
interface ErrorBody {
  message: string | string[];
}

describe('tenant schema definitions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (body: unknown) => t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.writer)).send(body as object);
  const get = (path: string) => t.http().get(path).set(bearer(TOKENS.reader));

  it('stores a definition with its SHA-256 checksum and answers 201', async () => {
    const tenantId = randomUUID();
    const res = await post({ tenant_id: tenantId, version: 3, ddl: SEED_DDL, description: 'payments' }).expect(201);
    expect(res.body).toEqual({
      schema_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      tenant_id: tenantId,
      version: 3,
      ddl: SEED_DDL,
      checksum: createHash('sha256').update(SEED_DDL).digest('hex'),
      description: 'payments',
      policy: 'strict',
      transactional: true,
      warnings: [],
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) as string,
    });
    const again = await get(`/v1/tenant-schemas/${(res.body as TenantSchemaBody).schema_id}`).expect(200);
    expect(again.body).toEqual(res.body);
  });

  it('stores lint warnings with the definition and returns them; warnings never refuse it', async () => {
    const tenantId = randomUUID();
    const ddl = 'CREATE TABLE orders (id serial PRIMARY KEY, placed timestamp); ALTER TABLE customers ALTER COLUMN total TYPE numeric(14,2)';
    const res = await post({ tenant_id: tenantId, version: 1, ddl }).expect(201);
    const stored = res.body as TenantSchemaBody;
    expect(stored.warnings.map((w: { rule: string; statement: number }) => [w.rule, w.statement])).toEqual([
      ['int-primary-key', 1],
      ['timestamp-without-time-zone', 1],
      ['column-type-change', 2],
    ]);
    expect(stored.warnings[2].message).toContain('customers.total');
    expect(((await get(`/v1/tenant-schemas/${stored.schema_id}`).expect(200)).body as TenantSchemaBody).warnings).toEqual(stored.warnings);
  });

  it("stores policy trusted only for a token with the 'trusted' scope", async () => {
    const ddl = "DO $$ BEGIN ALTER TABLE t ADD COLUMN note text; EXCEPTION WHEN duplicate_column THEN NULL; END $$";
    const body = { tenant_id: randomUUID(), version: 1, ddl, policy: 'trusted' };
    const refused = await post(body).expect(403);
    expect(refused.body).toEqual({ statusCode: 403, error: 'Forbidden', message: "token 'writer' lacks the 'trusted' scope that policy: trusted needs" });
    const res = await t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.trusted)).send(body).expect(201);
    expect(res.body).toMatchObject({ policy: 'trusted', transactional: true });
    const strict = await post({ ...body, tenant_id: randomUUID(), policy: undefined }).expect(400);
    expect((strict.body as ErrorBody).message).toBe('ddl statement 1 of 1 (DO) is not allowed: DO blocks are not allowed under the strict policy (the trusted policy allows them)');
  });

  it('refuses transactional: false unless the policy is trusted, naming the field', async () => {
    const body = { tenant_id: randomUUID(), version: 1, ddl: 'CREATE INDEX CONCURRENTLY t_idx ON t (id)', transactional: false };
    const res = await post(body).expect(400);
    expect((res.body as ErrorBody).message).toMatch(/^transactional: false needs the trusted policy/);
    const ok = await t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.trusted)).send({ ...body, policy: 'trusted' }).expect(201);
    expect(ok.body).toMatchObject({ policy: 'trusted', transactional: false, warnings: [] });
    const bad = await post({ ...body, policy: 'lenient' }).expect(400);
    expect((bad.body as ErrorBody).message).toEqual(['policy must be one of strict, trusted']);
  });

  it('answers 409 when the tenant already has that version, and keeps the first', async () => {
    const tenantId = randomUUID();
    const first = await post({ tenant_id: tenantId, version: 1, ddl: 'CREATE TABLE a (id int)' }).expect(201);
    const res = await post({ tenant_id: tenantId, version: 1, ddl: 'CREATE TABLE b (id int)' }).expect(409);
    expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', message: `tenant '${tenantId}' already has version 1` });
    const list = await get(`/v1/tenants/${tenantId}/tenant-schemas`).expect(200);
    expect((list.body as { items: unknown[] }).items).toEqual([first.body]);
  });

  it("answers 400 with the parser's message and position when the DDL does not parse", async () => {
    const res = await post({ tenant_id: randomUUID(), version: 1, ddl: 'CREATE TABLE a (id int);\nCREATE TABEL b (id int);' }).expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'ddl: syntax error at or near "TABEL" at position 33 (line 2, column 8)',
    });
  });

  it('answers 400 for DDL with no statement', async () => {
    for (const ddl of ['', '   ', ';;', '-- just a comment']) {
      const res = await post({ tenant_id: randomUUID(), version: 1, ddl }).expect(400);
      expect([(res.body as ErrorBody).message].flat().join()).toMatch(/^ddl must (not be empty|contain at least one SQL statement)$/);
    }
  });

  it('answers 400 naming each invalid field', async () => {
    const cases: [unknown, string][] = [
      [{ tenant_id: 'tenant-abc-123', version: 1, ddl: 'CREATE TABLE a (id int)' }, 'tenant_id must be a UUID'],
      [{ tenant_id: randomUUID(), version: 0, ddl: 'CREATE TABLE a (id int)' }, 'version must be at least 1'],
      [{ tenant_id: randomUUID(), version: 2 ** 31, ddl: 'CREATE TABLE a (id int)' }, 'version must be at most 2147483647'],
      [{ tenant_id: randomUUID(), version: 1.5, ddl: 'CREATE TABLE a (id int)' }, 'version must be an integer'],
      [{ tenant_id: randomUUID(), version: '1', ddl: 'CREATE TABLE a (id int)' }, 'version must be an integer'],
      [{ tenant_id: randomUUID(), version: 1, ddl: 42 }, 'ddl must be a string'],
      [{ tenant_id: randomUUID(), version: 1 }, 'ddl must be a string'],
      [{ tenant_id: randomUUID(), version: 1, ddl: 'CREATE TABLE a (id int)', description: 7 }, 'description must be a string'],
      [{ tenant_id: randomUUID(), version: 1, ddl: 'CREATE TABLE a (id int)', checksum: 'abc' }, 'checksum is not an allowed field'],
    ];
    for (const [body, message] of cases) {
      const res = await post(body).expect(400);
      expect((res.body as ErrorBody).message).toContain(message);
    }
  });

  it('lists a tenant\'s definitions by version ascending, and only that tenant\'s', async () => {
    const tenantId = randomUUID();
    const v2 = await post({ tenant_id: tenantId, version: 2, ddl: 'ALTER TABLE a ADD COLUMN b int' }).expect(201);
    const v1 = await post({ tenant_id: tenantId, version: 1, ddl: 'CREATE TABLE a (id int)' }).expect(201);
    await post({ tenant_id: randomUUID(), version: 1, ddl: 'CREATE TABLE other (id int)' }).expect(201);
    const res = await get(`/v1/tenants/${tenantId}/tenant-schemas`).expect(200);
    expect(res.body).toEqual({ items: [v1.body, v2.body] });
    expect((await get(`/v1/tenants/${randomUUID()}/tenant-schemas`).expect(200)).body).toEqual({ items: [] });
  });

  it('answers 404 for an unknown definition and 400 for a non-UUID id', async () => {
    const id = randomUUID();
    expect((await get(`/v1/tenant-schemas/${id}`).expect(404)).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `tenant schema '${id}' not found`,
    });
    expect(((await get('/v1/tenant-schemas/42').expect(400)).body as ErrorBody).message).toBe("schema_id must be a UUID, got '42'");
    expect(((await get('/v1/tenants/abc/tenant-schemas').expect(400)).body as ErrorBody).message).toBe("tenant_id must be a UUID, got 'abc'");
  });

  it('reads and stores definitions (MikroORM) through the one pool of the service', async () => {
    const tenantId = randomUUID();
    await post({ tenant_id: tenantId, version: 1, ddl: SEED_DDL }).expect(201);
    await get(`/v1/tenants/${tenantId}/tenant-schemas`).expect(200);
    const db = testPool();
    try {
      // Every connection the service holds carries the pool's application_name: no second pool of MikroORM's own.
      const { rows } = await db.query<{ name: string }>(
        `SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND usename = $1`,
        [process.env.TEST_RUNTIME_ROLE],
      );
      expect(rows.map((r) => r.name)).toEqual([expect.stringMatching(/^bss-/)]);
    } finally {
      await db.end();
    }
  });
});
