import { parseDdl } from './parse-ddl.js';
import { summarize } from './summary.js';

/** Summary of real parser output, with the version prefix checked on every case. */
async function summaryOf(sql: string, version = 7): Promise<string> {
  return summarize(version, await parseDdl(sql));
}

const PREFIX = 'Applied schema version 7.';

describe('summarize', () => {
  it('renders the seed example exactly', async () => {
    const ddl =
      'CREATE TABLE payments (id uuid PRIMARY KEY, amount numeric NOT NULL); ALTER TABLE invoices ADD COLUMN due_date date;';

    expect(await summaryOf(ddl, 3)).toBe(
      "Applied schema version 3. Created table 'payments'. Added column 'due_date' to 'invoices'.",
    );
  });

  it('is only the version sentence when there are no statements', () => {
    expect(summarize(12, [])).toBe('Applied schema version 12.');
  });

  describe('tables', () => {
    it.each([
      ['CREATE TABLE payments (id uuid)', "Created table 'payments'."],
      ['CREATE TABLE tenant_abc.payments (id uuid)', "Created table 'payments'."],
      ['CREATE TABLE p (a int) PARTITION BY RANGE (a)', "Created partitioned table 'p'."],
      [
        'CREATE TABLE p_2024 PARTITION OF p FOR VALUES FROM (2024) TO (2025)',
        "Created table 'p_2024' as a partition of 'p'.",
      ],
      ['CREATE TABLE totals AS SELECT 1 AS n', "Created table 'totals' from a query."],
      ['DROP TABLE payments', "Dropped table 'payments'."],
      ['DROP TABLE IF EXISTS tenant_abc.a, b CASCADE', "Dropped table 'a'. Dropped table 'b'."],
      ['ALTER TABLE tenant_abc.payments RENAME TO charges', "Renamed table 'payments' to 'charges'."],
    ])('%s', async (sql, sentence) => {
      expect(await summaryOf(sql)).toBe(`${PREFIX} ${sentence}`);
    });
  });

  describe('columns', () => {
    it.each([
      ['ALTER TABLE tenant_abc.invoices ADD COLUMN due_date date', "Added column 'due_date' to 'invoices'."],
      ['ALTER TABLE t DROP COLUMN c', "Dropped column 'c' from 't'."],
      ['ALTER TABLE t ALTER COLUMN c TYPE bigint', "Changed type of column 'c' in 't'."],
      ['ALTER TABLE t ALTER COLUMN c SET DATA TYPE text USING c::text', "Changed type of column 'c' in 't'."],
      ['ALTER TABLE t ALTER COLUMN c SET NOT NULL', "Set NOT NULL on column 'c' in 't'."],
      ['ALTER TABLE t ALTER COLUMN c DROP NOT NULL', "Dropped NOT NULL on column 'c' in 't'."],
      ['ALTER TABLE t ALTER COLUMN c SET DEFAULT 0', "Set default of column 'c' in 't'."],
      ['ALTER TABLE t ALTER COLUMN c DROP DEFAULT', "Dropped default of column 'c' in 't'."],
      ['ALTER TABLE tenant_abc.t RENAME COLUMN a TO b', "Renamed column 'a' to 'b' in 't'."],
    ])('%s', async (sql, sentence) => {
      expect(await summaryOf(sql)).toBe(`${PREFIX} ${sentence}`);
    });
  });

  describe('constraints', () => {
    it.each([
      ['ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a)', "Added constraint 't_a_key' to 't'."],
      ['ALTER TABLE t ADD PRIMARY KEY (id)', "Added primary key to 't'."],
      ['ALTER TABLE t ADD FOREIGN KEY (u_id) REFERENCES u (id)', "Added foreign key to 't'."],
      ['ALTER TABLE t ADD CHECK (a > 0)', "Added check constraint to 't'."],
      ['ALTER TABLE t ADD UNIQUE (a)', "Added unique constraint to 't'."],
      ['ALTER TABLE t ADD EXCLUDE USING gist (a WITH =)', "Added exclusion constraint to 't'."],
      ['ALTER TABLE t DROP CONSTRAINT t_a_key', "Dropped constraint 't_a_key' from 't'."],
      ['ALTER TABLE t RENAME CONSTRAINT t_a_key TO t_a_uniq', "Renamed constraint 't_a_key' to 't_a_uniq' in 't'."],
    ])('%s', async (sql, sentence) => {
      expect(await summaryOf(sql)).toBe(`${PREFIX} ${sentence}`);
    });
  });

  describe('indexes', () => {
    it.each([
      ['CREATE INDEX t_a_idx ON tenant_abc.t (a)', "Created index 't_a_idx' on 't'."],
      ['CREATE INDEX ON t (a)', "Created index on 't'."],
      ['CREATE UNIQUE INDEX t_a_uidx ON t (a)', "Created unique index 't_a_uidx' on 't'."],
      ['CREATE UNIQUE INDEX ON t (a)', "Created unique index on 't'."],
      ['DROP INDEX tenant_abc.t_a_idx', "Dropped index 't_a_idx'."],
      ['ALTER INDEX t_a_idx RENAME TO t_a_index', "Renamed index 't_a_idx' to 't_a_index'."],
    ])('%s', async (sql, sentence) => {
      expect(await summaryOf(sql)).toBe(`${PREFIX} ${sentence}`);
    });
  });

  describe('sequences and views', () => {
    it.each([
      ['CREATE SEQUENCE tenant_abc.invoice_no', "Created sequence 'invoice_no'."],
      ['ALTER SEQUENCE invoice_no RESTART WITH 100', "Altered sequence 'invoice_no'."],
      ['DROP SEQUENCE invoice_no', "Dropped sequence 'invoice_no'."],
      ['CREATE VIEW tenant_abc.open_invoices AS SELECT 1', "Created view 'open_invoices'."],
      ['CREATE OR REPLACE VIEW open_invoices AS SELECT 1', "Created or replaced view 'open_invoices'."],
      ['DROP VIEW open_invoices', "Dropped view 'open_invoices'."],
      ['CREATE MATERIALIZED VIEW daily AS SELECT 1', "Created materialized view 'daily'."],
      ['DROP MATERIALIZED VIEW daily', "Dropped materialized view 'daily'."],
      ['REFRESH MATERIALIZED VIEW tenant_abc.daily', "Refreshed materialized view 'daily'."],
    ])('%s', async (sql, sentence) => {
      expect(await summaryOf(sql)).toBe(`${PREFIX} ${sentence}`);
    });
  });

  describe('types and domains', () => {
    it.each([
      ["CREATE TYPE tenant_abc.mood AS ENUM ('sad', 'ok')", "Created enum type 'mood'."],
      ["ALTER TYPE mood ADD VALUE 'happy'", "Added value 'happy' to enum type 'mood'."],
      ["ALTER TYPE tenant_abc.mood RENAME VALUE 'ok' TO 'fine'", "Renamed value 'ok' to 'fine' in enum type 'mood'."],
      ['CREATE TYPE money_pair AS (amount numeric, currency text)', "Created composite type 'money_pair'."],
      ['CREATE DOMAIN tenant_abc.positive AS int CHECK (VALUE > 0)', "Created domain 'positive'."],
      ['DROP TYPE tenant_abc.mood', "Dropped type 'mood'."],
      ['DROP DOMAIN positive', "Dropped domain 'positive'."],
    ])('%s', async (sql, sentence) => {
      expect(await summaryOf(sql)).toBe(`${PREFIX} ${sentence}`);
    });
  });

  describe('comments', () => {
    it.each([
      ["COMMENT ON TABLE tenant_abc.invoices IS 'Bills'", "Commented on table 'invoices'."],
      ["COMMENT ON COLUMN invoices.due_date IS 'When'", "Commented on column 'invoices.due_date'."],
      ["COMMENT ON COLUMN tenant_abc.invoices.due_date IS 'When'", "Commented on column 'invoices.due_date'."],
      ["COMMENT ON INDEX t_a_idx IS 'x'", "Commented on index 't_a_idx'."],
      ["COMMENT ON TYPE tenant_abc.mood IS 'x'", "Commented on type 'mood'."],
      ["COMMENT ON CONSTRAINT t_a_key ON t IS 'x'", "Commented on constraint 't.t_a_key'."],
      ["COMMENT ON FUNCTION tenant_abc.f(int) IS 'x'", "Commented on function 'f'."],
    ])('%s', async (sql, sentence) => {
      expect(await summaryOf(sql)).toBe(`${PREFIX} ${sentence}`);
    });
  });

  describe('data changes', () => {
    it.each([
      ["INSERT INTO tenant_abc.currencies VALUES ('EUR')", "Inserted rows into 'currencies'."],
      ['UPDATE invoices SET due_date = now()', "Updated rows in 'invoices'."],
      ['DELETE FROM invoices WHERE false', "Deleted rows from 'invoices'."],
    ])('%s', async (sql, sentence) => {
      expect(await summaryOf(sql)).toBe(`${PREFIX} ${sentence}`);
    });
  });

  describe('generic fallbacks', () => {
    it.each([
      ['ALTER TABLE t ENABLE ROW LEVEL SECURITY', "Altered table 't'."],
      ['ALTER TABLE t ALTER COLUMN a SET STATISTICS 100', "Altered table 't'."],
      ['ALTER INDEX t_a_idx SET (fillfactor = 50)', "Altered index 't_a_idx'."],
      ["CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql", 'Ran CREATE FUNCTION statement.'],
      ['CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()', 'Ran CREATE TRIGGER statement.'],
      ['CREATE SCHEMA tenant_abc', 'Ran CREATE SCHEMA statement.'],
      ['SET search_path = tenant_abc', 'Ran SET statement.'],
      ['DROP FUNCTION tenant_abc.f(int), g', "Dropped function 'f'. Dropped function 'g'."],
      ['DROP CAST (int AS text)', 'Dropped cast.'],
    ])('%s', async (sql, sentence) => {
      expect(await summaryOf(sql)).toBe(`${PREFIX} ${sentence}`);
    });

    it.each([
      ['UnknownFutureStmt', {}, 'Ran UNKNOWN FUTURE statement.'],
      ['CreatePLangStmt', {}, 'Ran CREATE LANGUAGE statement.'],
      ['constructor', {}, 'Ran CONSTRUCTOR statement.'],
      ['', {}, 'Ran a statement.'],
      // Known kinds with missing or odd node shapes degrade instead of throwing.
      ['CreateStmt', {}, "Created table '?'."],
      ['AlterTableStmt', { relation: { relname: 't' }, cmds: [null, { AlterTableCmd: {} }] }, "Altered table 't'. Altered table 't'."],
      ['DropStmt', { removeType: 'OBJECT_TABLE', objects: 'nope' }, ''],
    ])('falls back for kind %p without throwing', (kind, node, sentence) => {
      expect(() => summarize(7, [{ kind, node } as never])).not.toThrow();
      expect(summarize(7, [{ kind, node } as never])).toBe(sentence === '' ? PREFIX : `${PREFIX} ${sentence}`);
    });
  });

  it('gives one sentence per ALTER TABLE command, in order', async () => {
    const ddl = [
      'ALTER TABLE tenant_abc.invoices',
      '  ADD COLUMN due_date date,',
      '  ALTER COLUMN amount TYPE numeric(12, 2),',
      '  ALTER COLUMN amount SET NOT NULL,',
      '  ADD CONSTRAINT invoices_amount_positive CHECK (amount > 0),',
      '  ADD FOREIGN KEY (customer_id) REFERENCES customers (id),',
      '  DROP COLUMN legacy,',
      '  ENABLE ROW LEVEL SECURITY',
    ].join('\n');

    expect(await summaryOf(ddl)).toBe(
      [
        PREFIX,
        "Added column 'due_date' to 'invoices'.",
        "Changed type of column 'amount' in 'invoices'.",
        "Set NOT NULL on column 'amount' in 'invoices'.",
        "Added constraint 'invoices_amount_positive' to 'invoices'.",
        "Added foreign key to 'invoices'.",
        "Dropped column 'legacy' from 'invoices'.",
        "Altered table 'invoices'.",
      ].join(' '),
    );
  });

  it('gives one sentence per object of a multi-object DROP, after earlier statements', async () => {
    const ddl = 'CREATE TABLE a (x int); DROP TABLE tenant_abc.b, c; DROP INDEX i1, tenant_abc.i2; DROP TYPE mood, pair;';

    expect(await summaryOf(ddl, 4)).toBe(
      [
        'Applied schema version 4.',
        "Created table 'a'.",
        "Dropped table 'b'.",
        "Dropped table 'c'.",
        "Dropped index 'i1'.",
        "Dropped index 'i2'.",
        "Dropped type 'mood'.",
        "Dropped type 'pair'.",
      ].join(' '),
    );
  });
});
