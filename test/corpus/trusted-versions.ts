/**
 * A realistic migration history written the way teams write them, using every feature the
 * trusted policy allows. Each version runs through the service and, for comparison, through
 * plain psql into a scratch schema.
 */
export interface TrustedVersion {
  name: string;
  ddl: string;
  transactional: boolean;
}

export const TRUSTED_VERSIONS: TrustedVersion[] = [
  {
    name: 'customers with gen_random_uuid, pgcrypto and an updated_at trigger',
    transactional: true,
    ddl: `CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  api_key bytea NOT NULL DEFAULT gen_random_bytes(16),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER customers_set_updated_at BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION set_updated_at();
INSERT INTO customers (email, name) VALUES ('ada@example.com', 'Ada Lovelace'), ('alan@example.com', 'Alan Turing');`,
  },
  {
    name: 'conditional DDL in a DO block (add the column if it is missing)',
    transactional: true,
    ddl: `DO $$
BEGIN
  BEGIN
    ALTER TABLE customers ADD COLUMN phone text;
  EXCEPTION WHEN duplicate_column THEN
    RAISE NOTICE 'customers.phone exists already';
  END;
END $$;
UPDATE customers SET phone = '+44 20 0000 0000' WHERE email = 'ada@example.com';`,
  },
  {
    name: 'tsvector search kept up to date by a trigger',
    transactional: true,
    ddl: `CREATE TABLE articles (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text NOT NULL,
  body text NOT NULL,
  search tsvector
);
CREATE TRIGGER articles_search_update BEFORE INSERT OR UPDATE ON articles
  FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search, 'pg_catalog.english', title, body);
CREATE INDEX articles_search_idx ON articles USING gin (search);
INSERT INTO articles (title, body) VALUES ('Analytical engines', 'Notes on the engine'), ('Computable numbers', 'On computable numbers');`,
  },
  {
    name: 'pg_trgm and btree_gin indexes',
    transactional: true,
    ddl: `CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX customers_name_trgm_idx ON customers USING gin (name gin_trgm_ops);
CREATE INDEX articles_id_title_idx ON articles USING gin (id, title gin_trgm_ops);`,
  },
  {
    name: 'an enum, and orders with rows',
    transactional: true,
    ddl: `CREATE TYPE order_status AS ENUM ('placed', 'shipped');
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id uuid REFERENCES customers (id),
  status order_status NOT NULL DEFAULT 'placed',
  total numeric(12, 2) NOT NULL DEFAULT 0
);
INSERT INTO orders (status, total) SELECT 'placed', g FROM generate_series(1, 5000) AS g;`,
  },
  {
    name: 'the enum extended and the new value used at once; a concurrent index on a table with rows (not transactional)',
    transactional: false,
    ddl: `ALTER TYPE order_status ADD VALUE 'delivered';
UPDATE orders SET status = 'delivered' WHERE id <= 10;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);`,
  },
  {
    name: 'the enum extended again',
    transactional: true,
    ddl: `ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'returned' AFTER 'delivered';`,
  },
];
