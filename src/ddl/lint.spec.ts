import { LINT_RULES, lintDefinition, type LintWarning } from './lint.js';
import { parseDdl } from './parse-ddl.js';

async function lint(sql: string): Promise<LintWarning[]> {
  return lintDefinition(await parseDdl(sql));
}

/** Rule and statement of each warning, the shape most cases compare exactly. */
async function firing(sql: string): Promise<Array<[string, number]>> {
  return (await lint(sql)).map((w) => [w.rule, w.statement]);
}

/** A statement that creates an unrelated table first, so the risky one is statement 2. */
const FIRST = 'CREATE TABLE audit_note (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);';

type Case = [rule: string, sql: string, statement: number, names: string[]];

/** Each fires exactly the one rule, on the given statement, naming the table and column. */
const FIRES: Case[] = [
  ['add-column-not-null-without-default', `${FIRST} ALTER TABLE orders ADD COLUMN region text NOT NULL`, 2, ['orders.region']],
  ['add-column-not-null-without-default', 'ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT NULL', 1, ['orders.region']],
  ['set-not-null', `${FIRST} ALTER TABLE orders ALTER COLUMN status SET NOT NULL`, 2, ['orders.status']],
  ['set-not-null', 'ALTER TABLE orders ADD CONSTRAINT orders_status_nn NOT NULL status', 1, ['orders.status']],
  ['column-type-change', `${FIRST} ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2)`, 2, ['orders.total', 'numeric(12, 2)']],
  [
    'constraint-without-not-valid',
    `${FIRST} ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)`,
    2,
    ['orders', 'orders_customer_fk'],
  ],
  ['constraint-without-not-valid', 'ALTER TABLE orders ADD CHECK (total >= 0)', 1, ['orders', 'CHECK']],
  ['constraint-without-not-valid', 'ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers (id)', 1, ['orders.customer_id']],
  ['constraint-without-not-valid', 'ALTER TABLE orders ADD COLUMN discount numeric CHECK (discount >= 0)', 1, ['orders.discount']],
  ['add-unique-constraint', `${FIRST} ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email)`, 2, ['customers', 'customers_email_key']],
  ['add-unique-constraint', 'ALTER TABLE customers ADD PRIMARY KEY (id)', 1, ['customers', 'PRIMARY KEY']],
  ['add-unique-constraint', 'ALTER TABLE bookings ADD EXCLUDE USING gist (room WITH =)', 1, ['bookings', 'EXCLUDE']],
  ['add-unique-constraint', 'ALTER TABLE customers ADD COLUMN code text UNIQUE', 1, ['customers.code']],
  ['index-without-concurrently', `${FIRST} CREATE INDEX orders_created_idx ON orders (created_at)`, 2, ['orders', 'orders_created_idx']],
  ['index-without-concurrently', 'CREATE UNIQUE INDEX ON tenant_x.customers (email)', 1, ['customers', 'UNIQUE']],
  ['rename-column', `${FIRST} ALTER TABLE customers RENAME COLUMN phone TO phone_number`, 2, ['customers.phone', 'phone_number']],
  ['rename-table', `${FIRST} ALTER TABLE tenant_x.order_notes RENAME TO order_comments`, 2, ['order_notes', 'order_comments']],
  ['drop-column', `${FIRST} ALTER TABLE orders DROP COLUMN legacy_code`, 2, ['orders.legacy_code']],
  ['drop-table', `${FIRST} DROP TABLE IF EXISTS tenant_x.order_drafts`, 2, ['order_drafts']],
  ['int-primary-key', 'CREATE TABLE invoices (id serial PRIMARY KEY)', 1, ['invoices.id', 'serial']],
  ['int-primary-key', 'CREATE TABLE invoices (id int PRIMARY KEY)', 1, ['invoices.id', 'integer']],
  ['int-primary-key', 'CREATE TABLE invoices (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY)', 1, ['invoices.id', 'integer']],
  ['int-primary-key', 'CREATE TABLE tags (id smallserial PRIMARY KEY)', 1, ['tags.id', 'smallserial']],
  ['int-primary-key', 'CREATE TABLE tags (PRIMARY KEY (id), id smallint)', 1, ['tags.id', 'smallint']],
  ['int-primary-key', `${FIRST} CREATE TABLE tags (id int4); ALTER TABLE tags ADD PRIMARY KEY (id)`, 3, ['tags.id', 'integer']],
  ['timestamp-without-time-zone', 'CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp)', 1, ['events.happened_at']],
  ['timestamp-without-time-zone', 'CREATE TABLE events (happened_at timestamp(3) without time zone)', 1, ['events.happened_at']],
  ['timestamp-without-time-zone', `${FIRST} ALTER TABLE orders ADD COLUMN shipped_at timestamp`, 2, ['orders.shipped_at']],
  ['varchar-length', 'CREATE TABLE customers (name varchar(40))', 1, ['customers.name', 'varchar(40)']],
  ['varchar-length', `${FIRST} ALTER TABLE customers ADD COLUMN city character varying(80)`, 2, ['customers.city', 'varchar(80)']],
];

/** The safe forms: nothing at all to say about them. */
const SILENT: Array<[what: string, sql: string]> = [
  ['a column added nullable', 'ALTER TABLE orders ADD COLUMN region text'],
  ['a NOT NULL column added with a default', "ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu'"],
  ['a NOT NULL column that fills itself', 'ALTER TABLE orders ADD COLUMN n bigint NOT NULL GENERATED ALWAYS AS IDENTITY, ADD COLUMN s bigserial NOT NULL'],
  ['a NOT NULL column on a table the version creates', 'CREATE TABLE orders (id bigint); ALTER TABLE orders ADD COLUMN region text NOT NULL'],
  [
    'NOT NULL by a NOT VALID check',
    'ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID, ADD CONSTRAINT nn NOT NULL status NOT VALID',
  ],
  ['SET NOT NULL on a table the version creates', 'CREATE TABLE orders (status text); ALTER TABLE orders ALTER COLUMN status SET NOT NULL'],
  ['a type change on a table the version creates', 'CREATE TABLE orders (total int); ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2)'],
  ['a default changed', 'ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0'],
  [
    'a foreign key added NOT VALID, validated later',
    'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID; ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk',
  ],
  ['a CHECK added NOT VALID', 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID'],
  [
    'constraints on a table the version creates',
    'CREATE TABLE lines (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), qty int CHECK (qty > 0)); ALTER TABLE lines ADD CONSTRAINT lines_order_fk FOREIGN KEY (order_id) REFERENCES orders (id), ADD UNIQUE (order_id, qty), ADD COLUMN sku text NOT NULL REFERENCES skus (code)',
  ],
  [
    'a unique constraint over an index built concurrently',
    'CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email); ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key, ADD PRIMARY KEY USING INDEX customers_pkey',
  ],
  ['an index built concurrently', 'CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at)'],
  ['an index on a table the version creates', 'CREATE TABLE tenant_x.orders (id bigint); CREATE INDEX ON orders (id); CREATE UNIQUE INDEX ON tenant_x.orders (id)'],
  ['an index on a table the version creates and renames', 'CREATE TABLE orders_new (id bigint); ALTER TABLE orders_new RENAME TO orders2; CREATE INDEX ON orders2 (id)'],
  ['an index on a table created from a query', 'CREATE TABLE totals AS SELECT 1 AS n; CREATE INDEX ON totals (n); SELECT 1 AS n INTO totals2; CREATE INDEX ON totals2 (n)'],
  ['an index on a materialized view the version creates', 'CREATE MATERIALIZED VIEW daily AS SELECT 1 AS n; CREATE INDEX ON daily (n)'],
  ['renames on a table the version creates', 'CREATE TABLE t (a text); ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE t RENAME TO u'],
  ['renames of a constraint, an index and a view column', 'ALTER TABLE t RENAME CONSTRAINT a TO b; ALTER INDEX i RENAME TO j; ALTER VIEW v RENAME COLUMN a TO b'],
  ['drops on a table the version creates', 'CREATE TABLE t (a text, b text); ALTER TABLE t DROP COLUMN b; DROP TABLE t'],
  ['drops of a view and an index', 'DROP VIEW open_orders; DROP INDEX CONCURRENTLY orders_created_idx'],
  ['bigint keys', 'CREATE TABLE a (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY); CREATE TABLE b (id bigserial PRIMARY KEY); CREATE TABLE c (id uuid, PRIMARY KEY (id))'],
  ['int columns that are not a single-column key', 'CREATE TABLE lines (order_id int, line_no smallint, qty int, PRIMARY KEY (order_id, line_no))'],
  ['timestamptz, date and text', 'CREATE TABLE e (a timestamptz, b timestamp with time zone, c date, d text, e varchar, f time)'],
  ['int, timestamp and varchar(n) in non-column places', "CREATE TYPE pair AS (a timestamp, b varchar(3)); SELECT '1'::varchar(3), now()::timestamp"],
];

describe('lintDefinition', () => {
  it.each(FIRES)('%s fires on: %s', async (rule, sql, statement, names) => {
    const warnings = await lint(sql);

    expect(warnings.map((w) => [w.rule, w.statement])).toEqual([[rule, statement]]);
    for (const name of names) expect(warnings[0].message).toContain(name);
  });

  it.each(SILENT)('is silent on %s', async (_, sql) => {
    expect(await lint(sql)).toEqual([]);
  });

  it('gives ADD COLUMN ... integer PRIMARY KEY on an existing table every rule it breaks, in clause order', async () => {
    expect(await firing('ALTER TABLE orders ADD COLUMN code integer PRIMARY KEY')).toEqual([
      ['int-primary-key', 1],
      ['add-column-not-null-without-default', 1],
      ['add-unique-constraint', 1],
    ]);
  });

  it('gives a type change to timestamp both the change and the type warning', async () => {
    expect(await firing('ALTER TABLE orders ALTER COLUMN placed_at TYPE timestamp')).toEqual([
      ['column-type-change', 1],
      ['timestamp-without-time-zone', 1],
    ]);
  });

  it('warns once per existing table of a multi-table DROP, not for a table the version created', async () => {
    const warnings = await lint('CREATE TABLE scratch (a int); DROP TABLE old_orders, scratch, tenant_x.old_lines');

    expect(warnings.map((w) => [w.rule, w.statement, w.message.split(' ')[2]])).toEqual([
      ['drop-table', 2, 'old_orders'],
      ['drop-table', 2, 'old_lines'],
    ]);
  });

  it('treats a table renamed from an existing one, or dropped and re-created, by what it holds', async () => {
    expect(await firing('ALTER TABLE orders RENAME TO orders_old; CREATE INDEX ON orders_old (id)')).toEqual([
      ['rename-table', 1],
      ['index-without-concurrently', 2],
    ]);
    expect(await firing('CREATE TABLE t (a int); DROP TABLE t; CREATE INDEX ON t (a)')).toEqual([
      ['index-without-concurrently', 3],
    ]);
    expect(await firing('DROP TABLE t; CREATE TABLE t (a int); CREATE INDEX ON t (a)')).toEqual([['drop-table', 1]]);
  });

  it('compares table names as PostgreSQL folds them: a quoted mixed-case name is another table', async () => {
    expect(await firing('CREATE TABLE Orders (id bigint); CREATE INDEX ON orders (id); CREATE INDEX ON "Orders" (id)')).toEqual([
      ['index-without-concurrently', 3],
    ]);
  });

  it('follows column renames on a table the version creates for a later PRIMARY KEY', async () => {
    expect(await firing('CREATE TABLE t (n int); ALTER TABLE t RENAME COLUMN n TO id; ALTER TABLE t ADD PRIMARY KEY (id)')).toEqual([
      ['int-primary-key', 3],
    ]);
  });

  it('flags every rule once in a single version, with the messages a client sees', async () => {
    const ddl = [
      'CREATE TABLE invoices_archive (id serial PRIMARY KEY, issued_at timestamp, note varchar(200));',
      'CREATE INDEX invoices_archive_issued_idx ON invoices_archive (issued_at);',
      'ALTER TABLE orders ADD COLUMN region text NOT NULL;',
      'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;',
      'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);',
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
      'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);',
      'CREATE INDEX orders_created_idx ON orders (created_at);',
      'ALTER TABLE customers RENAME COLUMN phone TO phone_number;',
      'ALTER TABLE order_notes RENAME TO order_comments;',
      'ALTER TABLE orders DROP COLUMN legacy_code;',
      'DROP TABLE tenant_x.order_drafts;',
      "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = 'orders_total_pos') THEN ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total > 0) NOT VALID; END IF; END $$;",
    ].join('\n');

    const warnings = await lint(ddl);

    expect(warnings).toEqual([
      {
        rule: 'int-primary-key',
        statement: 1,
        message:
          'Primary key invoices_archive.id is serial, which runs out of values and takes a table rewrite to widen; use bigint (bigint GENERATED ALWAYS AS IDENTITY for generated keys).',
      },
      {
        rule: 'timestamp-without-time-zone',
        statement: 1,
        message:
          "Column invoices_archive.issued_at is timestamp without time zone, which stores no offset so its values depend on the writer's time zone; use timestamptz.",
      },
      {
        rule: 'varchar-length',
        statement: 1,
        message:
          'Column invoices_archive.note is varchar(200), whose limit takes an ALTER TABLE to change; use text, with a CHECK (char_length(note) <= n) if the limit is a real rule.',
      },
      {
        rule: 'add-column-not-null-without-default',
        statement: 3,
        message:
          'ADD COLUMN orders.region is NOT NULL without a default, so it fails once orders has rows; add it nullable or with a default, backfill it, then set NOT NULL.',
      },
      {
        rule: 'set-not-null',
        statement: 4,
        message:
          'SET NOT NULL on orders.status scans every row under an ACCESS EXCLUSIVE lock unless a validated CHECK (status IS NOT NULL) exists; add that CHECK NOT VALID, validate it in a later version, then SET NOT NULL.',
      },
      {
        rule: 'column-type-change',
        statement: 5,
        message:
          'ALTER COLUMN orders.total TYPE numeric(12, 2) can rewrite the table and its indexes under an ACCESS EXCLUSIVE lock; add a new column, backfill it in batches, and switch over instead.',
      },
      {
        rule: 'constraint-without-not-valid',
        statement: 6,
        message:
          'ADD CONSTRAINT orders_customer_fk FOREIGN KEY on orders without NOT VALID checks every row while blocking writes; add it NOT VALID, then VALIDATE CONSTRAINT in a later version.',
      },
      {
        rule: 'add-unique-constraint',
        statement: 7,
        message:
          'ADD CONSTRAINT customers_email_key UNIQUE on customers builds its index while blocking reads and writes; CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX.',
      },
      {
        rule: 'index-without-concurrently',
        statement: 8,
        message:
          'CREATE INDEX orders_created_idx on orders without CONCURRENTLY blocks writes to orders while it builds; use CREATE INDEX CONCURRENTLY in a definition with transactional: false.',
      },
      {
        rule: 'rename-column',
        statement: 9,
        message:
          'Renaming column customers.phone to phone_number breaks code that still uses the old name; add phone_number, backfill it, move code over, and drop phone in a later version.',
      },
      {
        rule: 'rename-table',
        statement: 10,
        message:
          'Renaming table order_notes to order_comments breaks code that still uses the old name; move code to the new name first (e.g. behind a view named order_notes), and drop the view later.',
      },
      {
        rule: 'drop-column',
        statement: 11,
        message:
          'DROP COLUMN orders.legacy_code breaks code that still reads or writes it and loses its data; stop using the column in code first, then drop it in a later version.',
      },
      {
        rule: 'drop-table',
        statement: 12,
        message:
          'DROP TABLE order_drafts breaks code that still uses it and loses its data; stop using the table in code first, then drop it in a later version.',
      },
      {
        rule: 'catalog-read-all-tenants',
        statement: 13,
        message:
          "pg_catalog.pg_constraint is read without restricting it to the current schema: it holds every tenant's objects, so a guard on it sees other tenants' and skips its DDL; read pg_constraint unqualified (an apply shows each tenant only its own objects) or restrict it to current_schema().",
      },
    ]);
    // The catalogue and the rules agree: every rule fires here, and nothing fires outside it.
    expect(new Set(warnings.map((w) => w.rule))).toEqual(new Set(Object.keys(LINT_RULES)));
  });

  it.each([
    ['an unqualified catalog, which the apply shows as the tenant alone', "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'x') THEN NULL; END IF; END $$"],
    ['pg_catalog restricted to current_schema()', "DO $$ BEGIN PERFORM 1 FROM pg_catalog.pg_class c WHERE c.relname = 't' AND c.relnamespace = current_schema()::regnamespace; END $$"],
    ['pg_catalog restricted to CURRENT_SCHEMA', "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = CURRENT_SCHEMA AND c.relname = 't'"],
    ['pg_catalog restricted by a regclass of the tenant', "SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'total'"],
    ['a catalog that is not per schema', "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'x'"],
  ])('raises no catalog warning for %s', async (_name, ddl) => {
    expect((await lint(ddl)).filter((w) => w.rule === 'catalog-read-all-tenants')).toEqual([]);
  });

  it('finds unrestricted pg_catalog reads in function bodies, EXECUTEd constants and top-level statements', async () => {
    const ddl = [
      "CREATE FUNCTION has_index(name text) RETURNS boolean LANGUAGE sql AS $$ SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_indexes WHERE indexname = name) $$;",
      "DO $$ BEGIN EXECUTE 'SELECT 1 FROM pg_catalog.pg_trigger WHERE tgname = ''t'''; END $$;",
      "SELECT count(*) FROM pg_catalog.pg_type WHERE typname = 'mood';",
    ].join('\n');
    expect((await lint(ddl)).map((w) => [w.statement, w.message.split(' ')[0]])).toEqual([
      [1, 'pg_catalog.pg_indexes'],
      [2, 'pg_catalog.pg_trigger'],
      [3, 'pg_catalog.pg_type'],
    ]);
  });

  it('is empty for an empty list and never refuses odd statements', () => {
    expect(lintDefinition([])).toEqual([]);
    expect(lintDefinition([{ ordinal: 1, kind: 'AlterTableStmt', node: {}, text: '' }])).toEqual([]);
  });
});
