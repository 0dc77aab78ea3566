import { AllowOptionsError, type AllowOptions, checkAllowed, DdlRejectedError, type DefinitionPolicy, extensionsCreated, MAX_STATEMENTS, TooManyStatementsError } from './allow-list.js';
import { parseDdl } from './parse-ddl.js';

const SELF = 'tenant_0123456789abcdef0123456789abcdef';
const check = async (ddl: string) => checkAllowed(await parseDdl(ddl), SELF);
const refusal = async (ddl: string) => {
  const error = await check(ddl).catch((e: unknown) => e);
  if (!(error instanceof DdlRejectedError)) throw new Error(`expected a refusal for: ${ddl}`);
  return error.message;
};

describe('allow-list', () => {
  it.each([
    "CREATE TABLE t (id int PRIMARY KEY, seq int DEFAULT nextval('t_seq'), v varchar(10) COLLATE \"C\")",
    `CREATE TABLE ${SELF}.t (id int DEFAULT nextval('${SELF}.t_seq'::regclass))`,
    'CREATE TABLE t (id pg_catalog.int4, at timestamptz DEFAULT pg_catalog.now())',
    'INSERT INTO t SELECT 1 FROM pg_sleep(0)',
    `UPDATE t SET v = lower(v) FROM ${SELF}.u WHERE ${SELF}.u.id = t.id`,
    'CREATE INDEX t_lower_idx ON t (lower(v)) WHERE v IS NOT NULL',
    'DELETE FROM t WHERE id IN (SELECT id FROM t FOR UPDATE)',
    "COMMENT ON COLUMN t.v IS 'value'",
    `CREATE SEQUENCE s OWNED BY ${SELF}.t.id`,
  ])('accepts %s', async (ddl) => {
    await expect(check(ddl)).resolves.toBeUndefined();
  });

  it.each([
    ['CREATE TABLE ok (id int); CREATE INDEX CONCURRENTLY i ON ok (id)', 'ddl statement 2 of 2 (CREATE INDEX) is not allowed: CREATE INDEX CONCURRENTLY cannot run inside the atomic apply (each version is one transaction); use CREATE INDEX'],
    ["CREATE TABLE t (id int DEFAULT nextval('tenant_other.s'))", "ddl statement 1 of 1 (CREATE TABLE) is not allowed: name 'tenant_other.s' is outside the tenant's schema"],
    ['CREATE TABLE t (id int DEFAULT nextval(lower(\'s\')))', "function 'nextval' must name a sequence of the tenant in a string constant"],
    ['INSERT INTO t SELECT oid FROM pg_authid', "system catalog 'pg_authid' cannot be referenced"],
    ['CREATE VIEW v AS SELECT tenant_other.secrets.secret FROM tenant_other.secrets', "name 'tenant_other.secrets' is outside the tenant's schema"],
    ['CREATE TABLE t (v public.citext)', "name 'public.citext' is outside the tenant's schema"],
    ["INSERT INTO t VALUES ('other.t'::regclass::int)", "name 'other.t' is outside the tenant's schema"],
    ['INSERT INTO t VALUES (lastval())', "function 'lastval' is not allowed"],
    ['INSERT INTO t VALUES (pg_catalog.pg_read_file(\'/etc/passwd\'))', "function 'pg_read_file' is not allowed"],
    ['BEGIN', 'transaction control is not allowed'],
    ['SELECT 1', 'a plain SELECT is not allowed'],
    ['CREATE TEMP TABLE t (id int)', 'temporary tables are not allowed'],
    ['CREATE TABLE t (id int) TABLESPACE pg_default', 'tablespaces are not allowed'],
    ['ALTER TABLE t OWNER TO postgres', 'changing an owner is not allowed'],
    ['VACUUM', 'this kind of statement is not on the allow-list'],
  ])('refuses %s', async (ddl, message) => {
    expect(await refusal(ddl)).toContain(message);
  });

  it(`refuses more than ${MAX_STATEMENTS} statements`, async () => {
    await expect(check('CREATE TABLE t (id int);'.repeat(MAX_STATEMENTS))).resolves.toBeUndefined();
    await expect(check('CREATE TABLE t (id int);'.repeat(MAX_STATEMENTS + 1))).rejects.toBeInstanceOf(TooManyStatementsError);
  });
});

const EXTENSIONS = ['pgcrypto', 'pg_trgm', 'btree_gin', 'btree_gist', 'ltree', 'citext'];
const checkWith = async (ddl: string, options: Partial<AllowOptions>) => checkAllowed(await parseDdl(ddl), SELF, { trustedExtensions: EXTENSIONS, ...options });
const refusalWith = async (ddl: string, options: Partial<AllowOptions>) => {
  const error = await checkWith(ddl, options).catch((e: unknown) => e);
  if (!(error instanceof DdlRejectedError)) throw new Error(`expected a refusal for: ${ddl}`);
  return error.message;
};

/** What real applications do with the trusted policy, and where the strict policy stops them. */
const TRUSTED_EXAMPLES: { name: string; ddl: string; strict: string }[] = [
  {
    name: 'a DO block backfilling before SET NOT NULL, and a conditional ADD COLUMN',
    ddl: `CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM accounts WHERE email IS NULL) THEN
    UPDATE accounts SET email = id::text || '@invalid.example' WHERE email IS NULL;
  END IF;
  ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
  BEGIN
    ALTER TABLE accounts ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
  EXCEPTION WHEN duplicate_column THEN
    RAISE NOTICE 'accounts.email_verified already exists';
  END;
END $$`,
    strict: 'ddl statement 2 of 2 (DO) is not allowed: DO blocks are not allowed under the strict policy (the trusted policy allows them)',
  },
  {
    name: 'an updated_at trigger function and its trigger',
    ddl: `CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER posts_set_updated_at BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
    strict: 'ddl statement 2 of 3 (CREATE FUNCTION) is not allowed: functions and procedures are not allowed under the strict policy (the trusted policy allows them)',
  },
  {
    name: 'a tsvector column kept up to date by tsvector_update_trigger',
    ddl: `CREATE TABLE documents (id bigint PRIMARY KEY, title text, body text, search tsvector);
CREATE INDEX documents_search_idx ON documents USING gin (search);
CREATE TRIGGER documents_search_update BEFORE INSERT OR UPDATE ON documents
  FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search, 'pg_catalog.english', title, body)`,
    strict: 'ddl statement 3 of 3 (CREATE TRIGGER) is not allowed: triggers are not allowed under the strict policy (the trusted policy allows them)',
  },
  {
    name: 'pg_trgm and a trigram index',
    ddl: `CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE INDEX customers_name_trgm_idx ON customers USING gin (name gin_trgm_ops);
CREATE INDEX customers_name_trgm_gist_idx ON customers USING gist (name bss_extensions.gist_trgm_ops)`,
    strict: 'ddl statement 1 of 4 (CREATE EXTENSION) is not allowed: CREATE EXTENSION is not allowed under the strict policy (the trusted policy allows it)',
  },
  {
    name: 'defaults from gen_random_uuid() and pgcrypto',
    ddl: `CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE api_keys (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), secret bytea NOT NULL DEFAULT bss_extensions.gen_random_bytes(16))`,
    strict: 'ddl statement 1 of 2 (CREATE EXTENSION) is not allowed: CREATE EXTENSION is not allowed under the strict policy (the trusted policy allows it)',
  },
  {
    name: 'a function of an extension in a column type and a default',
    ddl: `CREATE TABLE users (email bss_extensions.citext PRIMARY KEY, token text DEFAULT encode(bss_extensions.gen_random_bytes(8), 'hex'))`,
    strict:
      'ddl statement 1 of 1 (CREATE TABLE) is not allowed: objects of the trusted extensions (schema bss_extensions) are not allowed under the strict policy (the trusted policy allows them)',
  },
  {
    name: 'a sql function (string body and BEGIN ATOMIC), a procedure and its CALL',
    ddl: `CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL, archived boolean NOT NULL DEFAULT false);
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM orders $$;
CREATE OR REPLACE FUNCTION big_orders(minimum numeric) RETURNS SETOF orders LANGUAGE sql STABLE SET work_mem = '64MB'
  BEGIN ATOMIC SELECT * FROM orders WHERE total >= minimum; END;
CREATE PROCEDURE archive_orders(before_id bigint) LANGUAGE plpgsql AS $$
DECLARE o orders%ROWTYPE;
BEGIN
  FOR o IN SELECT * FROM orders WHERE id < before_id LOOP
    o.archived := true;
    UPDATE orders SET archived = o.archived WHERE id = o.id;
  END LOOP;
END $$;
CALL archive_orders(100)`,
    strict: 'ddl statement 2 of 5 (CREATE FUNCTION) is not allowed: functions and procedures are not allowed under the strict policy (the trusted policy allows them)',
  },
  {
    name: 'comments, renames, switches and drops of routines and triggers',
    ddl: `COMMENT ON FUNCTION set_updated_at() IS 'stamps updated_at';
COMMENT ON TRIGGER posts_set_updated_at ON posts IS 'keeps updated_at';
ALTER FUNCTION set_updated_at() RENAME TO stamp_updated_at;
ALTER FUNCTION stamp_updated_at() STABLE;
ALTER TRIGGER posts_set_updated_at ON posts RENAME TO posts_stamp;
ALTER TABLE posts DISABLE TRIGGER posts_stamp, ENABLE TRIGGER USER;
DROP TRIGGER IF EXISTS posts_stamp ON ${SELF}.posts;
DROP FUNCTION IF EXISTS stamp_updated_at(), ${SELF}.other_function(int);
DROP PROCEDURE IF EXISTS archive_orders`,
    strict: 'ddl statement 1 of 9 (COMMENT) is not allowed: functions and procedures are not allowed under the strict policy (the trusted policy allows them)',
  },
];

describe('trusted policy', () => {
  it.each(TRUSTED_EXAMPLES)('accepts $name', async ({ ddl }) => {
    await expect(checkWith(ddl, { policy: 'trusted' })).resolves.toBeUndefined();
  });

  it.each(TRUSTED_EXAMPLES)('strict refuses $name, naming the feature the trusted policy allows', async ({ ddl, strict }) => {
    expect(await refusalWith(ddl, { policy: 'strict' })).toBe(strict);
  });

  it('accepts gen_random_uuid() and ALTER TYPE ... ADD VALUE under both policies (built in)', async () => {
    const ddl = "CREATE TYPE mood AS ENUM ('ok'); ALTER TYPE mood ADD VALUE 'x'; CREATE TABLE t (id uuid DEFAULT gen_random_uuid(), m mood)";
    await expect(checkWith(ddl, { policy: 'strict' })).resolves.toBeUndefined();
    await expect(checkWith(ddl, { policy: 'trusted' })).resolves.toBeUndefined();
  });

  it('matches CREATE EXTENSION against the trusted extensions case-insensitively, and only those', async () => {
    await expect(checkWith('CREATE EXTENSION pg_trgm', { policy: 'trusted', trustedExtensions: ['PG_TRGM'] })).resolves.toBeUndefined();
    expect(await refusalWith('CREATE EXTENSION pg_trgm', { policy: 'trusted', trustedExtensions: ['citext'] })).toContain(
      "extension 'pg_trgm' is not one of the trusted extensions (citext)",
    );
  });

  it('lets EXECUTE of a string built at run time through (the tenant role confines it) but checks constant ones', async () => {
    await expect(checkWith("DO $$ BEGIN EXECUTE format('ALTER TABLE %I ADD COLUMN x int', 't'); END $$", { policy: 'trusted' })).resolves.toBeUndefined();
    expect(await refusalWith("DO $$ BEGIN EXECUTE 'ALTER TABLE t ' || 'OWNER TO postgres'; END $$", { policy: 'trusted' })).toContain(
      "in the DO block, in the string EXECUTEd, ALTER TABLE t OWNER TO postgres: changing an owner is never allowed: the tenant's role owns what it creates",
    );
  });

  it('checks nested bodies four deep and leaves what lies deeper to PostgreSQL', async () => {
    const nest = (inner: string, levels: number) => {
      let ddl = inner;
      for (let level = 0; level < levels; level += 1) ddl = `DO $b${level}$ BEGIN ${ddl}; END $b${level}$`;
      return ddl;
    };
    expect(await refusalWith(nest("EXECUTE 'RESET ROLE'", 3), { policy: 'trusted' })).toContain('changing the role');
    await expect(checkWith(nest("EXECUTE 'RESET ROLE'", 5), { policy: 'trusted' })).resolves.toBeUndefined();
  });

  it('leaves a PL/pgSQL body it cannot parse to PostgreSQL, which refuses it at apply', async () => {
    await expect(checkWith('DO $$ BEGIN RETURN (SELECT 1 FROM; END $$', { policy: 'trusted' })).resolves.toBeUndefined();
  });

  it.each([
    ['catalog reads in a guard', "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'a_pos') THEN ALTER TABLE a ADD CONSTRAINT a_pos CHECK (id > 0); END IF; END $$"],
    ['information_schema reads', "DO $$ BEGIN IF (SELECT count(*) FROM information_schema.columns WHERE table_name = 'a' AND column_name = 'b') = 0 THEN ALTER TABLE a ADD COLUMN b int; END IF; END $$"],
    ['a temporary table', 'CREATE TEMP TABLE backfill ON COMMIT DROP AS SELECT 1 AS id'],
    ['a top-level SELECT', "SELECT setval('orders_id_seq', (SELECT max(id) FROM orders))"],
    ['IF EXISTS on a name in another schema', 'DROP INDEX IF EXISTS other_name.some_index'],
    ['ENABLE/DISABLE TRIGGER ALL and USER', 'ALTER TABLE orders DISABLE TRIGGER ALL; ALTER TABLE orders ENABLE TRIGGER USER'],
    ['a SET', 'SET statement_timeout = 0'],
    ['REVOKE', 'REVOKE ALL ON orders FROM PUBLIC'],
    ['a routine with a SET clause other than role and search_path', "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET work_mem = '64MB' AS $$ SELECT 1 $$"],
  ])('accepts %s, which PostgreSQL allows the tenant role', async (_name, ddl) => {
    await expect(checkWith(ddl, { policy: 'trusted' })).resolves.toBeUndefined();
  });

  it.each([
    ['a routine SET search_path', `CREATE FUNCTION f() RETURNS int LANGUAGE sql SET search_path = ${SELF} AS $$ SELECT 1 $$`, 'SET search_path clause is not allowed'],
    ['ALTER FUNCTION ... SET role', 'ALTER FUNCTION f() SET role = postgres', 'a SET role clause is never allowed'],
    ['SET ROLE in a sql body', "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SET ROLE postgres; SELECT 1 $$", 'changing the role'],
  ])('refuses %s', async (_name, ddl, message) => {
    expect(await refusalWith(ddl, { policy: 'trusted' })).toContain(message);
  });

  it('finds the extensions it creates anywhere, to install them first', async () => {
    const ddl = "CREATE EXTENSION IF NOT EXISTS pgcrypto; DO $$ BEGIN EXECUTE 'CREATE EXTENSION IF NOT EXISTS citext'; END $$";
    expect(extensionsCreated(await parseDdl(ddl), { trustedExtensions: EXTENSIONS }).sort()).toEqual(['citext', 'pgcrypto']);
  });
});

describe('non-transactional definitions', () => {
  const CONCURRENT = `CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer_id);
DROP INDEX CONCURRENTLY IF EXISTS orders_legacy_idx;
REINDEX INDEX CONCURRENTLY orders_customer_idx`;

  it('accepts CREATE/DROP INDEX and REINDEX CONCURRENTLY with transactional: false', async () => {
    await expect(checkWith(CONCURRENT, { policy: 'trusted', transactional: false })).resolves.toBeUndefined();
  });

  it('refuses them with transactional: true under either policy, pointing at transactional: false', async () => {
    for (const policy of ['strict', 'trusted'] as const) {
      expect(await refusalWith(CONCURRENT, { policy })).toBe(
        'ddl statement 1 of 3 (CREATE INDEX) is not allowed: CREATE INDEX CONCURRENTLY cannot run inside the atomic apply (each version is one transaction); use CREATE INDEX, or a definition with transactional: false (trusted policy only)',
      );
    }
  });

  it('refuses an unnamed CREATE INDEX CONCURRENTLY', async () => {
    expect(await refusalWith('CREATE INDEX CONCURRENTLY ON orders (customer_id)', { policy: 'trusted', transactional: false })).toContain(
      'CREATE INDEX CONCURRENTLY needs an index name: an interrupted build must be found by name to be rebuilt',
    );
  });

  it('refuses CONCURRENTLY inside a DO block, and accepts a plain REINDEX', async () => {
    const options = { policy: 'trusted', transactional: false } as const;
    expect(await refusalWith("DO $$ BEGIN EXECUTE 'CREATE INDEX CONCURRENTLY i ON t (id)'; END $$", options)).toContain(
      'CREATE INDEX CONCURRENTLY cannot run inside a function or DO block',
    );
    await expect(checkWith('REINDEX TABLE orders', options)).resolves.toBeUndefined();
  });

  it('accepts an enum value added and used in the same definition', async () => {
    const ddl = "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ecstatic'; UPDATE moods SET mood = 'ecstatic' WHERE score > 9";
    await expect(checkWith(ddl, { policy: 'trusted', transactional: false })).resolves.toBeUndefined();
  });

  it('keeps refusing transaction control and COPY', async () => {
    const options = { policy: 'trusted', transactional: false } as const;
    expect(await refusalWith('COMMIT', options)).toContain("transaction control is not allowed: the service controls each version's transactions");
    expect(await refusalWith("COPY t FROM '/etc/passwd'", options)).toContain('COPY to or from a file is never allowed');
  });

  it('needs the trusted policy', async () => {
    const error = await checkWith('CREATE INDEX CONCURRENTLY i ON t (id)', { transactional: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllowOptionsError);
    expect(error).toMatchObject({ option: 'transactional', message: expect.stringContaining('transactional: false needs the trusted policy') as unknown });
  });

  it('refuses an unknown policy, naming it', async () => {
    const error = await checkWith('CREATE TABLE t (id int)', { policy: 'lenient' as DefinitionPolicy }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AllowOptionsError', option: 'policy', message: "policy must be one of strict, trusted, not 'lenient'" });
  });
});
