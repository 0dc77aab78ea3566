import { TRUSTED_IDIOMS } from './trusted-idioms.js';
import type { TrustedVersion } from './trusted-versions.js';

/**
 * Twenty trusted versions of one application, written as teams write them for a database of
 * their own: the catalog-guarded idioms, then products, line items, views, a materialized view,
 * functions, a domain, a rename, a concurrent index, a sequence, a partitioned table, row level
 * security and enum labels, most behind a guard on the catalogs or information_schema.
 */
export const TWENTY_VERSIONS: TrustedVersion[] = [
  ...TRUSTED_IDIOMS,
  {
    name: 'products, guarded on information_schema.tables',
    transactional: true,
    ddl: `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'products') THEN
    CREATE TABLE products (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      sku text NOT NULL UNIQUE,
      price numeric(12, 2) NOT NULL CHECK (price >= 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );
  END IF;
END $$;
INSERT INTO products (sku, price) SELECT 'sku-' || g, g * 1.5 FROM generate_series(1, 20) AS g;`,
  },
  {
    name: 'a domain for money, used by products',
    transactional: true,
    ddl: `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'money_amount') THEN
    CREATE DOMAIN money_amount AS numeric(12, 2) CHECK (VALUE >= 0);
  END IF;
END $$;
ALTER TABLE products ALTER COLUMN price TYPE money_amount;`,
  },
  {
    name: 'order items with a composite key',
    transactional: true,
    ddl: `CREATE TABLE order_items (
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id bigint NOT NULL REFERENCES products (id),
  quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
  PRIMARY KEY (order_id, product_id)
);
INSERT INTO order_items (order_id, product_id, quantity) SELECT o.id, 1 + (o.id % 20), 2 FROM orders o;`,
  },
  {
    name: 'a view of order summaries',
    transactional: true,
    ddl: `CREATE VIEW order_summaries AS
  SELECT o.id, o.account_id, o.status, sum(i.quantity * p.price) AS items_total
  FROM orders o LEFT JOIN order_items i ON i.order_id = o.id LEFT JOIN products p ON p.id = i.product_id
  GROUP BY o.id;`,
  },
  {
    name: 'a materialized view with its index, guarded on pg_matviews',
    transactional: true,
    ddl: `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE matviewname = 'account_totals') THEN
    CREATE MATERIALIZED VIEW account_totals AS SELECT account_id, count(*) AS orders, sum(total) AS total FROM orders GROUP BY account_id;
    CREATE UNIQUE INDEX account_totals_account_idx ON account_totals (account_id);
  END IF;
END $$;`,
  },
  {
    name: 'a discount column guarded on pg_attribute, and a function over it',
    transactional: true,
    ddl: `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'orders' AND a.attname = 'discount' AND NOT a.attisdropped) THEN
    ALTER TABLE orders ADD COLUMN discount numeric(12, 2) NOT NULL DEFAULT 0;
  END IF;
END $$;
CREATE OR REPLACE FUNCTION order_net(p_order_id bigint) RETURNS numeric LANGUAGE plpgsql STABLE AS $$
DECLARE v numeric;
BEGIN
  SELECT total - discount INTO v FROM orders WHERE id = p_order_id;
  RETURN coalesce(v, 0);
END $$;`,
  },
  {
    name: 'a column renamed when it still has its old name',
    transactional: true,
    ddl: `DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'display_name') THEN
    ALTER TABLE accounts RENAME COLUMN display_name TO full_name;
  END IF;
END $$;`,
  },
  {
    name: 'a concurrent index on line items (not transactional)',
    transactional: false,
    ddl: `CREATE INDEX CONCURRENTLY IF NOT EXISTS order_items_product_idx ON order_items (product_id);`,
  },
  {
    name: 'invoices numbered by a sequence of their own',
    transactional: true,
    ddl: `CREATE SEQUENCE IF NOT EXISTS invoice_numbers START 1000 INCREMENT 1;
CREATE TABLE invoices (
  number bigint PRIMARY KEY DEFAULT nextval('invoice_numbers'),
  order_id bigint NOT NULL REFERENCES orders (id),
  issued_at timestamptz NOT NULL DEFAULT now()
);
ALTER SEQUENCE invoice_numbers OWNED BY invoices.number;`,
  },
  {
    name: 'emails kept lower case by a trigger, added when missing',
    transactional: true,
    ddl: `CREATE OR REPLACE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email := lower(NEW.email);
  RETURN NEW;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = 'accounts' AND t.tgname = 'accounts_lower_email') THEN
    CREATE TRIGGER accounts_lower_email BEFORE INSERT OR UPDATE OF email ON accounts FOR EACH ROW EXECUTE FUNCTION lower_email();
  END IF;
END $$;`,
  },
  {
    name: 'events partitioned by month',
    transactional: true,
    ddl: `CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY,
  account_id bigint NOT NULL,
  happened_at timestamptz NOT NULL,
  kind text NOT NULL,
  PRIMARY KEY (id, happened_at)
) PARTITION BY RANGE (happened_at);
CREATE TABLE events_2026_11 PARTITION OF events FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
CREATE TABLE events_2026_12 PARTITION OF events FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');
CREATE INDEX events_account_idx ON events (account_id);`,
  },
  {
    name: 'row level security on invoices',
    transactional: true,
    ddl: `ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY invoices_recent ON invoices USING (issued_at > now() - interval '10 years');`,
  },
  {
    name: 'an order status added when missing',
    transactional: true,
    ddl: `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'order_status' AND e.enumlabel = 'cancelled') THEN
    ALTER TYPE order_status ADD VALUE 'cancelled';
  END IF;
END $$;`,
  },
  {
    name: 'the summary view replaced with the discount, an old column dropped',
    transactional: true,
    ddl: `CREATE OR REPLACE VIEW order_summaries AS
  SELECT o.id, o.account_id, o.status, sum(i.quantity * p.price) AS items_total, o.discount
  FROM orders o LEFT JOIN order_items i ON i.order_id = o.id LEFT JOIN products p ON p.id = i.product_id
  GROUP BY o.id;
ALTER TABLE products DROP COLUMN IF EXISTS created_at;`,
  },
];
