/**
 * Legitimate tenant DDL: migrations as real applications write them. Each app's
 * versions are applied in order (version 1, 2, ...) to one fresh tenant schema, each
 * version in one transaction with the tenant schema as search_path, by a role that
 * owns that schema and nothing else. A secure service must accept and apply all of it.
 *
 * Names are unqualified, or occasionally qualified with `{{self}}` (the tenant's own
 * schema, substituted by the test). Only built-in PostgreSQL 15 features: no
 * extensions, functions, triggers, SET, transaction control or CONCURRENTLY.
 */
export interface LegitApp {
  name: string;
  versions: string[];
}

export const LEGIT: LegitApp[] = [
  // --- Invoicing: enums, a domain, a sequence-backed invoice number, generated totals --
  {
    name: 'invoicing',
    versions: [
      `CREATE TYPE invoice_status AS ENUM ('draft', 'sent', 'paid', 'void');

CREATE DOMAIN money_amount AS numeric(12,2) CHECK (VALUE >= 0);

CREATE SEQUENCE invoice_number_seq START WITH 1000 INCREMENT BY 1;

CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  billing_address jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);

CREATE UNIQUE INDEX customers_email_key ON customers (lower(email)) WHERE deleted_at IS NULL;

CREATE TABLE invoices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number bigint NOT NULL DEFAULT nextval('invoice_number_seq'),
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  status invoice_status NOT NULL DEFAULT 'draft',
  issued_on date NOT NULL DEFAULT current_date,
  due_on date,
  currency char(3) NOT NULL DEFAULT 'EUR',
  notes text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT invoices_number_key UNIQUE (number)
);

ALTER SEQUENCE invoice_number_seq OWNED BY invoices.number;

CREATE TABLE invoice_lines (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
  position int NOT NULL,
  description text NOT NULL,
  quantity numeric(12,3) NOT NULL DEFAULT 1,
  unit_price money_amount NOT NULL,
  line_total numeric(14,2) GENERATED ALWAYS AS (round(quantity * unit_price, 2)) STORED,
  CONSTRAINT invoice_lines_position_key UNIQUE (invoice_id, position)
);

CREATE INDEX invoices_customer_status_idx ON invoices (customer_id, status);`,

      `CREATE TABLE tax_rates (
  code text PRIMARY KEY,
  rate numeric(5,4) NOT NULL CHECK (rate >= 0 AND rate < 1),
  label text NOT NULL
);

INSERT INTO tax_rates (code, rate, label) VALUES
  ('std', 0.2000, 'Standard'),
  ('red', 0.0550, 'Reduced'),
  ('zero', 0, 'Zero rated'),
  ('tmp', 0.1000, 'Temporary (launch promo)')
ON CONFLICT DO NOTHING;

INSERT INTO customers (name, email, billing_address) VALUES
  ('Demo Customer', 'Billing@Demo.example', jsonb_build_object('city', 'Lyon', 'country', 'FR')),
  ('Walk-in', 'walkin@demo.example', '{}'::jsonb);

UPDATE customers SET email = lower(email);

INSERT INTO invoices (customer_id, status, due_on)
SELECT id, 'sent', current_date + 30 FROM customers WHERE email = 'billing@demo.example';

INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price)
SELECT i.id, 1, 'Onboarding package', 1, 450.00 FROM invoices i;

ALTER TABLE invoice_lines ADD COLUMN tax_code text REFERENCES tax_rates (code) ON DELETE SET NULL;

UPDATE invoice_lines SET tax_code = 'std' WHERE tax_code IS NULL;

DELETE FROM tax_rates WHERE code = 'tmp';

CREATE VIEW invoice_totals AS
SELECT i.id AS invoice_id,
       i.number,
       c.name AS customer_name,
       i.status,
       coalesce(sum(l.line_total), 0) AS net_total,
       coalesce(sum(round(l.line_total * coalesce(t.rate, 0), 2)), 0) AS tax_total
FROM invoices i
JOIN customers c ON c.id = i.customer_id
LEFT JOIN invoice_lines l ON l.invoice_id = i.id
LEFT JOIN tax_rates t ON t.code = l.tax_code
GROUP BY i.id, i.number, c.name, i.status;

COMMENT ON TABLE invoices IS 'Customer invoices; number is drawn from invoice_number_seq';

COMMENT ON COLUMN invoice_lines.line_total IS 'quantity * unit_price, rounded to cents';

ALTER TYPE invoice_status ADD VALUE 'overdue' AFTER 'sent';`,

      `UPDATE invoices SET due_on = issued_on + 30 WHERE due_on IS NULL;

ALTER TABLE invoices ALTER COLUMN due_on SET NOT NULL;

ALTER TABLE invoices ADD CONSTRAINT invoices_due_after_issue CHECK (due_on >= issued_on);

UPDATE invoices SET status = 'overdue' WHERE status = 'sent' AND due_on < current_date;

CREATE INDEX invoices_overdue_idx ON invoices (due_on) WHERE status = 'overdue';

ALTER TABLE invoices ALTER COLUMN currency TYPE text USING upper(trim(currency));

ALTER TABLE invoices ADD CONSTRAINT invoices_currency_iso CHECK (currency ~ '^[A-Z]{3}$');

ALTER TABLE {{self}}.invoices ADD COLUMN paid_at timestamptz;

CREATE VIEW {{self}}.open_invoices AS
SELECT {{self}}.invoices.id, {{self}}.invoices.number, {{self}}.invoices.due_on
FROM {{self}}.invoices
WHERE {{self}}.invoices.status IN ('sent', 'overdue');`,
    ],
  },

  // --- Blog / CMS: uuid keys, text[] tags, jsonb meta with GIN, materialized stats ----
  {
    name: 'blog-cms',
    versions: [
      `CREATE TYPE post_status AS ENUM ('draft', 'published', 'archived');

CREATE TABLE authors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  display_name text NOT NULL,
  bio text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX authors_email_lower_key ON authors (lower(email));

CREATE TABLE posts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  author_id uuid REFERENCES authors (id) ON DELETE SET NULL,
  slug text NOT NULL,
  title text NOT NULL,
  body text NOT NULL DEFAULT '',
  status post_status NOT NULL DEFAULT 'draft',
  tags text[] NOT NULL DEFAULT '{}',
  meta jsonb NOT NULL DEFAULT '{}'::jsonb,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);

CREATE UNIQUE INDEX posts_slug_key ON posts (slug) WHERE deleted_at IS NULL;

CREATE INDEX posts_meta_gin ON posts USING gin (meta);

CREATE INDEX posts_tags_gin ON posts USING gin (tags);

CREATE INDEX posts_published_idx ON posts (status, published_at DESC) WHERE deleted_at IS NULL;

CREATE TABLE comments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  parent_id bigint REFERENCES comments (id) ON DELETE CASCADE,
  author_name text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX comments_post_created_idx ON comments (post_id, created_at);`,

      `INSERT INTO authors (email, display_name) VALUES
  ('Editor@Example.com', 'Editor'),
  ('guest@example.com', 'Guest Writer');

UPDATE authors SET email = lower(email);

INSERT INTO posts (author_id, slug, title, body, status, tags, meta, published_at)
SELECT a.id, 'hello-world', 'Hello, world', 'Our very first post.', 'published',
       ARRAY['news', 'meta'], jsonb_build_object('reading_minutes', 1, 'featured', true), now()
FROM authors a
WHERE a.email = 'editor@example.com';

CREATE VIEW published_posts AS
SELECT p.id, p.slug, p.title, p.published_at, p.tags, a.display_name AS author
FROM posts p
LEFT JOIN authors a ON a.id = p.author_id
WHERE p.status = 'published' AND p.deleted_at IS NULL;

CREATE MATERIALIZED VIEW post_stats AS
SELECT p.id AS post_id, count(c.id) AS comment_count, max(c.created_at) AS last_comment_at
FROM posts p
LEFT JOIN comments c ON c.post_id = p.id
GROUP BY p.id;

CREATE UNIQUE INDEX post_stats_post_key ON post_stats (post_id);

COMMENT ON MATERIALIZED VIEW post_stats IS 'Refreshed by the publishing job';`,

      `CREATE TABLE categories (
  id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  CONSTRAINT categories_name_key UNIQUE (name)
);

INSERT INTO categories (name) VALUES ('General'), ('Announcements')
ON CONFLICT (name) DO NOTHING;

ALTER TABLE posts ADD COLUMN category_id int REFERENCES categories (id) ON DELETE SET NULL;

UPDATE posts p SET category_id = c.id
FROM categories c
WHERE c.name = 'General' AND p.category_id IS NULL;

ALTER TABLE posts RENAME COLUMN body TO body_markdown;

ALTER TABLE posts ADD COLUMN search_text text GENERATED ALWAYS AS (lower(title || ' ' || body_markdown)) STORED;

DROP VIEW published_posts;

CREATE VIEW published_posts AS
SELECT p.id, p.slug, p.title, p.published_at, p.tags, a.display_name AS author, c.name AS category
FROM posts p
LEFT JOIN authors a ON a.id = p.author_id
LEFT JOIN categories c ON c.id = p.category_id
WHERE p.status = 'published' AND p.deleted_at IS NULL;

INSERT INTO comments (post_id, author_name, body)
SELECT id, 'Reader', 'Nice first post!' FROM posts WHERE slug = 'hello-world';

REFRESH MATERIALIZED VIEW post_stats;

DROP INDEX posts_tags_gin;

CREATE INDEX posts_tags_gin ON posts USING gin (tags) WHERE deleted_at IS NULL;

ALTER TYPE post_status ADD VALUE 'scheduled' BEFORE 'published';`,

      `ALTER TABLE posts ADD COLUMN publish_at timestamptz;

ALTER TABLE posts ADD CONSTRAINT posts_scheduled_has_time CHECK (status <> 'scheduled' OR publish_at IS NOT NULL);

COMMENT ON COLUMN posts.publish_at IS 'When a scheduled post goes live';

REFRESH MATERIALIZED VIEW post_stats;`,
    ],
  },

  // --- E-commerce catalog: category tree, composite type, variants renamed to skus ----
  {
    name: 'ecommerce-catalog',
    versions: [
      `CREATE TYPE dimensions AS (length_mm int, width_mm int, height_mm int);

CREATE DOMAIN sku_code AS text CHECK (VALUE ~ '^[A-Z0-9-]{3,32}$');

CREATE TABLE categories (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parent_id int REFERENCES categories (id) ON DELETE SET NULL,
  name text NOT NULL,
  slug text NOT NULL UNIQUE
);

CREATE TABLE products (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  category_id int REFERENCES categories (id) ON DELETE SET NULL,
  name text NOT NULL,
  description text,
  price numeric(12,2) NOT NULL CHECK (price >= 0),
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  package_size dimensions,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE product_variants (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  sku sku_code NOT NULL,
  color text,
  size_label text,
  stock int NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX product_variants_sku_key ON product_variants (sku);

CREATE UNIQUE INDEX product_variants_option_key ON product_variants (product_id, color, size_label);

CREATE INDEX products_attributes_gin ON products USING gin (attributes jsonb_path_ops);

CREATE INDEX products_category_active_idx ON products (category_id) WHERE active;`,

      `ALTER TABLE product_variants RENAME TO skus;

ALTER TABLE skus RENAME CONSTRAINT product_variants_product_id_fkey TO skus_product_id_fkey;

ALTER TABLE skus ALTER COLUMN stock TYPE bigint USING stock::bigint;

ALTER TABLE skus ADD CONSTRAINT skus_stock_nonnegative CHECK (stock >= 0);

ALTER TABLE products ADD COLUMN sale_price numeric(12,2);

ALTER TABLE products ADD CONSTRAINT products_sale_below_price CHECK (sale_price IS NULL OR sale_price < price);

ALTER TABLE products DROP CONSTRAINT products_price_check;

ALTER TABLE products ADD CONSTRAINT products_price_positive CHECK (price > 0);

ALTER TABLE products ALTER COLUMN active SET DEFAULT false;

INSERT INTO categories (name, slug) VALUES ('Apparel', 'apparel'), ('Shoes', 'shoes');

INSERT INTO categories (parent_id, name, slug)
SELECT id, 'Sneakers', 'sneakers' FROM categories WHERE slug = 'shoes';

INSERT INTO products (category_id, name, price, attributes, package_size, active)
SELECT id, 'Runner 2', 89.90, jsonb_build_object('material', 'mesh', 'gender', 'unisex'), ROW(300, 110, 120)::dimensions, true
FROM categories WHERE slug = 'sneakers';

INSERT INTO skus (product_id, sku, color, size_label, stock)
SELECT p.id, v.sku, v.color, v.size_label, v.stock
FROM products p
CROSS JOIN (VALUES ('RUN2-BLK-42', 'black', '42', 5), ('RUN2-BLK-43', 'black', '43', 0)) AS v (sku, color, size_label, stock)
WHERE p.name = 'Runner 2'
ON CONFLICT (sku) DO NOTHING;`,

      `CREATE TABLE product_prices (
  product_id bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  currency text NOT NULL DEFAULT 'EUR',
  amount numeric(12,2) NOT NULL,
  valid_from timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (product_id, currency, valid_from)
);

INSERT INTO product_prices (product_id, currency, amount)
SELECT id, 'EUR', price FROM products;

UPDATE skus s SET stock = s.stock + 10
FROM products p
WHERE p.id = s.product_id AND p.active AND s.stock = 0;

ALTER TABLE products ALTER COLUMN category_id SET NOT NULL;

ALTER TABLE products ALTER COLUMN category_id DROP NOT NULL;

ALTER TABLE products DROP COLUMN sale_price;

CREATE INDEX products_name_lower_idx ON products (lower(name));

DROP INDEX products_attributes_gin;

CREATE INDEX products_attributes_gin ON products USING gin (attributes);

CREATE VIEW category_product_counts AS
SELECT c.id AS category_id, c.name, count(p.id) AS products, coalesce(sum(s.stock), 0) AS units_in_stock
FROM categories c
LEFT JOIN products p ON p.category_id = c.id
LEFT JOIN skus s ON s.product_id = p.id
GROUP BY c.id, c.name;

COMMENT ON TABLE skus IS 'Sellable variants of a product (formerly product_variants)';`,
    ],
  },

  // --- SaaS auth / users: organizations, memberships, sessions, credentials -----------
  {
    name: 'saas-auth',
    versions: [
      `CREATE TYPE member_role AS ENUM ('owner', 'admin', 'member');

CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  plan text NOT NULL DEFAULT 'free',
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  full_name text,
  password_hash text NOT NULL,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);

CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE deleted_at IS NULL;

CREATE TABLE memberships (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role member_role NOT NULL DEFAULT 'member',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id)
);

CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL,
  user_agent text,
  ip inet,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
);

CREATE INDEX sessions_user_expiry_idx ON sessions (user_id, expires_at);`,

      `ALTER TABLE users ADD COLUMN email_normalized text;

INSERT INTO users (email, full_name, password_hash) VALUES
  ('Admin@Example.COM', 'Admin', '$2b$12$seedseedseedseedseedseu'),
  ('seed-user@example.com', 'Seed User', '$2b$12$seedseedseedseedseedseu');

UPDATE users SET email_normalized = lower(email);

ALTER TABLE users ALTER COLUMN email_normalized SET NOT NULL;

DELETE FROM users WHERE email_normalized = 'seed-user@example.com';

ALTER TABLE users RENAME COLUMN full_name TO display_name;

ALTER TABLE users ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false;

ALTER TABLE users ADD COLUMN roles text[] NOT NULL DEFAULT ARRAY['user']::text[];

INSERT INTO organizations (name, settings) VALUES ('Acme', jsonb_build_object('sso', false, 'seats', 5));

INSERT INTO memberships (organization_id, user_id, role)
SELECT o.id, u.id, 'owner'
FROM organizations o
CROSS JOIN users u
WHERE o.name = 'Acme' AND u.email_normalized = 'admin@example.com'
ON CONFLICT (organization_id, user_id) DO NOTHING;

CREATE VIEW organization_members AS
SELECT o.id AS organization_id,
       o.name,
       count(m.user_id) AS member_count,
       count(m.user_id) FILTER (WHERE m.role IN ('owner', 'admin')) AS admin_count
FROM organizations o
LEFT JOIN memberships m ON m.organization_id = o.id
GROUP BY o.id, o.name;`,

      `CREATE TYPE credential_kind AS ENUM ('password', 'totp', 'webauthn');

CREATE TABLE credentials (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind credential_kind NOT NULL,
  secret_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);

CREATE UNIQUE INDEX credentials_one_password_per_user ON credentials (user_id) WHERE kind = 'password';

INSERT INTO credentials (user_id, kind, secret_hash)
SELECT id, 'password', password_hash FROM users;

ALTER TABLE users DROP COLUMN password_hash;

CREATE TYPE plan_tier AS ENUM ('free', 'team', 'enterprise');

ALTER TABLE organizations ALTER COLUMN plan DROP DEFAULT;

ALTER TABLE organizations ALTER COLUMN plan TYPE plan_tier USING plan::plan_tier;

ALTER TABLE organizations ALTER COLUMN plan SET DEFAULT 'free';

ALTER TABLE users ALTER COLUMN display_name SET DEFAULT '';

ALTER TABLE sessions DROP CONSTRAINT sessions_token_hash_key;

CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);

ALTER TABLE memberships ADD COLUMN invited_by uuid;

ALTER TABLE memberships ADD CONSTRAINT memberships_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES users (id) ON DELETE SET NULL;

ALTER TABLE memberships RENAME CONSTRAINT memberships_invited_by_fkey TO memberships_inviter_fkey;

COMMENT ON TABLE credentials IS 'One row per login factor; secrets are hashed by the application';`,
    ],
  },

  // --- Event log: range-partitioned by time, default partition, rollups ------------------
  {
    name: 'event-log',
    versions: [
      `CREATE TYPE event_severity AS ENUM ('debug', 'info', 'warning', 'error');

CREATE SEQUENCE events_id_seq;

CREATE TABLE events (
  id bigint NOT NULL DEFAULT nextval('events_id_seq'),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL,
  kind text NOT NULL,
  severity event_severity NOT NULL DEFAULT 'info',
  actor_id uuid,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

ALTER SEQUENCE events_id_seq OWNED BY events.id;

CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');

CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE INDEX events_kind_time_idx ON events (kind, occurred_at DESC);

CREATE INDEX events_payload_gin ON events USING gin (payload);`,

      `INSERT INTO events (occurred_at, source, kind, severity, payload) VALUES
  ('2024-03-01 10:00:00+00', 'api', 'tenant.created', 'info', '{"plan": "free"}'),
  ('2024-11-20 16:45:00+00', 'worker', 'export.failed', 'error', jsonb_build_object('attempts', 3)),
  ('2025-06-15 08:30:00+00', 'billing', 'invoice.paid', 'info', jsonb_build_object('amount', 120.50, 'currency', 'EUR'));

CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');

CREATE VIEW daily_event_counts AS
SELECT date_trunc('day', occurred_at) AS day, kind, count(*) AS events
FROM events
GROUP BY 1, 2;

CREATE MATERIALIZED VIEW monthly_event_summary AS
SELECT date_trunc('month', occurred_at) AS month,
       source,
       count(*) AS total,
       count(*) FILTER (WHERE severity = 'error') AS errors,
       max(extract(isodow FROM occurred_at)) AS last_weekday
FROM events
GROUP BY 1, 2
WITH DATA;

CREATE INDEX monthly_event_summary_month_idx ON monthly_event_summary (month, source);

COMMENT ON TABLE events IS 'Append-only event log, partitioned by year of occurred_at';`,

      `ALTER TABLE events ADD COLUMN correlation_id uuid;

CREATE INDEX events_correlation_idx ON events (correlation_id) WHERE correlation_id IS NOT NULL;

CREATE TABLE event_subscriptions (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind_pattern text NOT NULL,
  target_url text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT event_subscriptions_target_key UNIQUE (kind_pattern, target_url)
);

INSERT INTO event_subscriptions (kind_pattern, target_url)
SELECT DISTINCT kind, 'https://hooks.example.com/' || source FROM events
ON CONFLICT DO NOTHING;

UPDATE events SET correlation_id = gen_random_uuid() WHERE source = 'billing' AND correlation_id IS NULL;

DELETE FROM events WHERE occurred_at < '2024-06-01 00:00:00+00';

REFRESH MATERIALIZED VIEW monthly_event_summary;`,
    ],
  },
];
