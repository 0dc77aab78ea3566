import type { TrustedVersion } from './trusted-versions.js';

/**
 * A history written the way teams write migrations for a database of their own: guards on the
 * catalogs and information_schema before DDL, extensions created conditionally, a backfill through
 * a temporary table, setval after an import, triggers switched off for a bulk update. Applied to
 * two tenants of one database, every guard must see only its own tenant's objects, or the second
 * tenant silently skips DDL (test/trusted.e2e-spec.ts compares both with psql into a database of
 * its own).
 */
export const TRUSTED_IDIOMS: TrustedVersion[] = [
  {
    name: 'accounts and orders, with a uuid-ossp default',
    transactional: true,
    ddl: `CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE TABLE accounts (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id),
  total numeric(12, 2) NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'new',
  public_id uuid NOT NULL DEFAULT uuid_generate_v4()
);
INSERT INTO accounts (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 50) AS g;
INSERT INTO orders (account_id, total) SELECT 1 + (g % 50), g FROM generate_series(1, 200) AS g;`,
  },
  {
    name: 'guards on a constraint, a column, an index, a type and an extension',
    transactional: true,
    ddl: `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'orders_total_nonnegative') THEN
    ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0);
  END IF;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'display_name') THEN
    ALTER TABLE accounts ADD COLUMN display_name text;
  END IF;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = 'orders_account_id_idx') THEN
    CREATE INDEX orders_account_id_idx ON orders (account_id);
  END IF;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'order_status') THEN
    CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
  END IF;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citext') THEN
    CREATE EXTENSION citext;
  END IF;
END $$;
ALTER TABLE accounts ALTER COLUMN email TYPE citext;`,
  },
  {
    name: 'guards on pg_indexes, pg_attribute, pg_namespace, pg_proc and pg_trigger, and the enum switched over',
    transactional: true,
    ddl: `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'accounts_email_key') THEN
    CREATE UNIQUE INDEX accounts_email_key ON accounts (email);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'orders' AND a.attname = 'updated_at' AND NOT a.attisdropped) THEN
    ALTER TABLE orders ADD COLUMN updated_at timestamptz;
  END IF;
  IF (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' OR nspname = 'app') > 1 THEN
    RAISE EXCEPTION 'more than one application schema is visible';
  END IF;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'touch_updated_at') THEN
    CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN NEW.updated_at := now(); RETURN NEW; END $f$;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'orders_touch') THEN
    CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
  END IF;
END $$;
ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::order_status;
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';`,
  },
  {
    name: 'a backfill through a temporary table, with the triggers switched off',
    transactional: true,
    ddl: `CREATE TEMPORARY TABLE order_totals AS SELECT account_id, sum(total) AS total FROM orders GROUP BY account_id;
ALTER TABLE accounts ADD COLUMN lifetime_total numeric(14, 2) NOT NULL DEFAULT 0;
UPDATE accounts a SET lifetime_total = t.total FROM order_totals t WHERE t.account_id = a.id;
DROP TABLE order_totals;
ALTER TABLE orders DISABLE TRIGGER USER;
UPDATE orders SET status = 'paid' WHERE id % 3 = 0;
ALTER TABLE orders ENABLE TRIGGER USER;`,
  },
  {
    name: 'an import with explicit ids, then setval; an enum label added when missing',
    transactional: true,
    ddl: `INSERT INTO accounts (id, email) VALUES (1000, 'imported@example.com'), (1001, 'imported2@example.com');
SELECT setval('accounts_id_seq', (SELECT max(id) FROM accounts));
INSERT INTO accounts (email) VALUES ('after-import@example.com');
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'order_status' AND e.enumlabel = 'refunded') THEN
    ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'shipped';
  END IF;
END $$;
DROP INDEX IF EXISTS legacy.orders_legacy_idx;
DROP TABLE IF EXISTS order_drafts;`,
  },
  {
    name: 'catalog reads in a function the apply runs and in a top-level statement',
    transactional: true,
    ddl: `CREATE FUNCTION has_constraint(name text) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = name) $$;
CREATE TABLE catalog_counts AS
  SELECT (SELECT count(*) FROM pg_constraint WHERE conname LIKE 'orders%')::int AS order_constraints,
         (SELECT count(*) FROM pg_class WHERE relname IN ('accounts', 'orders', 'accounts_email_key'))::int AS relations,
         (SELECT count(*) FROM pg_trigger WHERE tgname = 'orders_touch')::int AS triggers,
         has_constraint('orders_total_nonnegative') AS guarded;`,
  },
];
