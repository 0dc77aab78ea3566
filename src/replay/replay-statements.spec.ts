import { replayStatements, withoutConcurrently } from './replay-statements.js';

const from = 'tenant_0c9b8a7d6e5f4a3b8c2d1e0f9a8b7c6d';
const into = 'tenant_ffffffffffffffffffffffffffff00000003';

describe('replayStatements', () => {
  it("puts the scratch schema where the DDL spells out the tenant's own, quoted or in capitals", async () => {
    const statements = await replayStatements(
      { version: 1, policy: 'strict', transactional: true, ddl: `CREATE TABLE ${from}.a (id int); CREATE INDEX a_idx ON "${from}".a (id); ALTER TABLE ${from.toUpperCase()}.a ADD b text` },
      from,
      into,
    );
    expect(statements.map((s) => s.sql)).toEqual([`CREATE TABLE ${into}.a (id int)`, `CREATE INDEX a_idx ON ${into}.a (id)`, `ALTER TABLE ${into}.a ADD b text`]);
  });

  it('leaves out CREATE EXTENSION, row changes, VACUUM and REINDEX, and CONCURRENTLY, keeping the other statements and their ordinals', async () => {
    const statements = await replayStatements(
      {
        version: 2,
        policy: 'trusted',
        transactional: false,
        ddl: "CREATE EXTENSION IF NOT EXISTS pg_trgm; INSERT INTO a SELECT g FROM generate_series(1, 1000000) g; CREATE INDEX CONCURRENTLY a_idx ON a (b); UPDATE a SET b = 1; DELETE FROM a; VACUUM a; REINDEX INDEX CONCURRENTLY a_idx; SELECT setval('a_id_seq', 10)",
      },
      from,
      into,
    );
    expect(statements).toEqual([
      { ordinal: 3, sql: 'CREATE INDEX a_idx ON a (b)' },
      { ordinal: 8, sql: "SELECT setval('a_id_seq', 10)" },
    ]);
  });

  it('drops the keyword CONCURRENTLY wherever PostgreSQL takes it, never a quoted name, a string or a function so named', async () => {
    expect(await withoutConcurrently('CREATE UNIQUE INDEX concurrently IF NOT EXISTS "ä_idx" ON a (b)')).toBe('CREATE UNIQUE INDEX IF NOT EXISTS "ä_idx" ON a (b)');
    expect(await withoutConcurrently('DROP INDEX CONCURRENTLY IF EXISTS a_idx')).toBe('DROP INDEX IF EXISTS a_idx');
    expect(await withoutConcurrently('REFRESH MATERIALIZED VIEW CONCURRENTLY totals')).toBe('REFRESH MATERIALIZED VIEW totals');
    expect(await withoutConcurrently('ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY')).toBe('ALTER TABLE p DETACH PARTITION p1 ');
    const kept = `CREATE INDEX "concurrently" ON a (concurrently(b)) WHERE c <> 'CONCURRENTLY'`;
    expect(await withoutConcurrently(kept)).toBe(kept);
  });
});
