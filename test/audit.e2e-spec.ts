import { randomUUID } from 'node:crypto';
import { insertMigrationRecord } from './factories/migration-record.factory.js';
import { insertTenantSchema } from './factories/tenant-schema.factory.js';
import { bearer, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const RECORD_FIELDS = [
  'migration_id',
  'tenant_schema_id',
  'tenant_id',
  'version_applied',
  'status',
  'details',
  'applied_by',
  'created_at',
  'updated_at',
];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A page of records, as far as these tests read it. */
interface Page {
  items: { migration_id: string; status: string }[];
  next_cursor: string | null;
}

describe('audit log reads', () => {
  const suite = useTestApp();
  const { db } = suite;

  const get = (path: string) => suite.t.http().get(path).set(bearer(TOKENS.reader));

  it('returns one record as exactly the seed\'s nine fields, timestamps in UTC', async () => {
    const schema = await insertTenantSchema(db, { version: 3 });
    const row = await insertMigrationRecord(db, schema, {
      status: 'success',
      details: "Applied schema version 3. Created table 'payments'.",
      applied_by: 'user:admin@example.com',
      created_at: '2024-03-15T12:28:00+02:00',
    });
    const res = await get(`/v1/migrations/${row.migration_id}`).expect(200);
    expect(Object.keys(res.body as object)).toEqual(RECORD_FIELDS);
    expect(res.body).toMatchObject({
      migration_id: row.migration_id,
      tenant_schema_id: schema.schema_id,
      tenant_id: schema.tenant_id,
      version_applied: 3,
      status: 'success',
      details: "Applied schema version 3. Created table 'payments'.",
      applied_by: 'user:admin@example.com',
      created_at: '2024-03-15T10:28:00.000Z',
    });
    expect((res.body as { updated_at: string }).updated_at).toMatch(ISO_UTC);
  });

  it('answers 404 for an unknown record and 400 for a non-UUID id', async () => {
    const id = randomUUID();
    expect(((await get(`/v1/migrations/${id}`).expect(404)).body as { message: string }).message).toBe(`migration '${id}' not found`);
    expect(((await get('/v1/migrations/f1e2d3c4').expect(400)).body as { message: string }).message).toBe("migration_id must be a UUID, got 'f1e2d3c4'");
  });

  describe('a tenant\'s history', () => {
    const tenantId = randomUUID();
    const expected: string[] = []; // migration ids, newest first
    beforeAll(async () => {
      const v1 = await insertTenantSchema(db, { tenant_id: tenantId, version: 1 });
      const v2 = await insertTenantSchema(db, { tenant_id: tenantId, version: 2 });
      const rows = [];
      // Seven records share one created_at, so paging must order ties by migration_id.
      for (let i = 0; i < 7; i++) rows.push(await insertMigrationRecord(db, v1, { status: 'failed', created_at: '2026-01-01T00:00:00.123456Z' }));
      rows.push(await insertMigrationRecord(db, v1, { status: 'success', created_at: '2026-01-01T00:00:00.123455Z' }));
      rows.push(await insertMigrationRecord(db, v2, { status: 'pending', created_at: '2026-01-02T00:00:00Z' }));
      rows.push(await insertMigrationRecord(db, v2, { status: 'failed', created_at: '2025-12-31T00:00:00Z' }));
      // Another tenant's record must never appear.
      await insertMigrationRecord(db, await insertTenantSchema(db), { created_at: '2026-01-01T00:00:00.123456Z' });
      const { rows: ordered } = await db.query<{ migration_id: string }>(
        `SELECT migration_id FROM business_store_service.schema_migrations WHERE tenant_id = $1
         ORDER BY created_at DESC, migration_id DESC`,
        [tenantId],
      );
      expected.push(...ordered.map((r) => r.migration_id));
      expect(expected).toHaveLength(rows.length);
    });

    const pageThrough = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url = `/v1/tenants/${tenantId}/migrations?${query}${cursor ? `&cursor=${cursor}` : ''}`;
        const res: { body: { items: { migration_id: string }[]; next_cursor: string | null } } = await get(url).expect(200);
        seen.push(...res.body.items.map((item: { migration_id: string }) => item.migration_id));
        cursor = res.body.next_cursor;
        pages++;
      } while (cursor && pages < 20);
      return { seen, pages };
    };

    it('pages newest first, across ties in created_at, with nothing skipped or repeated', async () => {
      const { seen, pages } = await pageThrough('limit=3');
      expect(seen).toEqual(expected);
      expect(pages).toBe(4);
    });

    it('returns next_cursor null on the last page and defaults to 50', async () => {
      const res = (await get(`/v1/tenants/${tenantId}/migrations`).expect(200)).body as Page;
      expect(res.next_cursor).toBeNull();
      expect(res.items.map((i: { migration_id: string }) => i.migration_id)).toEqual(expected);
      const exact = (await get(`/v1/tenants/${tenantId}/migrations?limit=10`).expect(200)).body as Page;
      expect(exact.next_cursor).toBeNull();
    });

    it('filters by status, also across pages', async () => {
      const { seen } = await pageThrough('limit=2&status=failed');
      const res = (await get(`/v1/tenants/${tenantId}/migrations?status=failed&limit=500`).expect(200)).body as Page;
      expect(res.items).toHaveLength(8);
      expect(res.items.every((i: { status: string }) => i.status === 'failed')).toBe(true);
      expect(seen).toEqual(res.items.map((i: { migration_id: string }) => i.migration_id));
    });

    it('answers 400 for bad limit, status and cursor, naming the parameter', async () => {
      const cases: [string, string][] = [
        ['limit=0', 'limit must be at least 1'],
        ['limit=501', 'limit must be at most 500'],
        ['limit=ten', 'limit must be an integer'],
        ['limit=2.5', 'limit must be an integer'],
        ['status=done', 'status must be one of pending, success, failed'],
        ['cursor=not-a-cursor', 'cursor is not a next_cursor returned by this API'],
        [`cursor=${Buffer.from('2026-01-01T00:00:00.000000Z|nope').toString('base64url')}`, 'cursor is not a next_cursor'],
        ['color=blue', 'color is not an allowed field'],
      ];
      for (const [query, message] of cases) {
        const res = await get(`/v1/tenants/${tenantId}/migrations?${query}`).expect(400);
        expect([(res.body as { message: string | string[] }).message].flat().join()).toContain(message);
      }
    });
  });

  it('lists a definition\'s attempts newest first, filtered by status; 404 for an unknown definition', async () => {
    const schema = await insertTenantSchema(db);
    const failed = await insertMigrationRecord(db, schema, { status: 'failed', created_at: '2026-02-01T00:00:00Z' });
    const success = await insertMigrationRecord(db, schema, { status: 'success', created_at: '2026-02-02T00:00:00Z' });
    const all = (await get(`/v1/tenant-schemas/${schema.schema_id}/migrations`).expect(200)).body as Page;
    expect(all.items.map((i: { migration_id: string }) => i.migration_id)).toEqual([success.migration_id, failed.migration_id]);
    expect(Object.keys(all.items[0])).toEqual(RECORD_FIELDS);
    const onlyFailed = (await get(`/v1/tenant-schemas/${schema.schema_id}/migrations?status=failed`).expect(200)).body as Page;
    expect(onlyFailed.items.map((i: { migration_id: string }) => i.migration_id)).toEqual([failed.migration_id]);
    const none = await get(`/v1/tenant-schemas/${(await insertTenantSchema(db)).schema_id}/migrations`).expect(200);
    expect(none.body).toEqual({ items: [] });
    await get(`/v1/tenant-schemas/${randomUUID()}/migrations`).expect(404);
    await get(`/v1/tenant-schemas/${schema.schema_id}/migrations?status=nope`).expect(400);
  });

  it('reports the current schema version: 0 when nothing is applied, else the highest success', async () => {
    const tenantId = randomUUID();
    expect((await get(`/v1/tenants/${tenantId}/schema-version`).expect(200)).body).toEqual({
      tenant_id: tenantId,
      current_version: 0,
      migration_id: null,
      applied_at: null,
    });
    const v1 = await insertTenantSchema(db, { tenant_id: tenantId, version: 1 });
    const v2 = await insertTenantSchema(db, { tenant_id: tenantId, version: 2 });
    await insertMigrationRecord(db, v1, { status: 'failed' });
    const ok1 = await insertMigrationRecord(db, v1, { status: 'success' });
    expect((await get(`/v1/tenants/${tenantId}/schema-version`).expect(200)).body).toMatchObject({ current_version: 1, migration_id: ok1.migration_id });
    await insertMigrationRecord(db, v2, { status: 'pending' });
    expect(((await get(`/v1/tenants/${tenantId}/schema-version`).expect(200)).body as { current_version: number }).current_version).toBe(1);
    const ok2 = await insertMigrationRecord(db, v2, { status: 'success' });
    const res = await get(`/v1/tenants/${tenantId}/schema-version`).expect(200);
    expect(res.body).toMatchObject({ tenant_id: tenantId, current_version: 2, migration_id: ok2.migration_id });
    expect((res.body as { applied_at: string }).applied_at).toMatch(ISO_UTC);
    await get('/v1/tenants/not-a-uuid/schema-version').expect(400);
  });
});
