/**
 * Hostile tenant DDL: every case must be refused at submission (400) before anything
 * is stored or applied.
 *
 * Placeholders, substituted by the test:
 * - `{{self}}`  the submitting tenant's own schema (`tenant_<32 hex>`);
 * - `{{other}}` ANOTHER tenant's schema, which holds `secrets (id int, secret text)`.
 *
 * The 400 message reads `ddl statement K of N (KIND) is not allowed: RULE`; each `rule`
 * pins the ordinal of the offending statement and loosely the gist of the rule.
 * Every `ddl` parses as PostgreSQL 17 SQL once the placeholders are substituted.
 */
export interface HostileCase {
  name: string;
  ddl: string;
  rule: RegExp;
}

/**
 * `ddl statement k of n ... not allowed: ...(gist)`; `gist` is a regex fragment of
 * alternatives matched case-insensitively anywhere in the rule text.
 */
function at(k: number, n: number, gist?: string): RegExp {
  const tail = gist === undefined ? '' : `.*(?:${gist})`;
  return new RegExp(`statement ${k} of ${n} .*not allowed:${tail}`, 'i');
}

const TRANSACTION = 'transaction|savepoint';
const SETTING = '\\bset\\b|reset|configuration|set_config|setting';
const FUNCTION = 'function|procedure';
const GRANT = 'role|grant|privilege|owner';
const OUTSIDE = 'outside';
const CATALOG = 'system catalog';

export const HOSTILE: HostileCase[] = [
  // --- Transaction control: would end the service's own transaction -------------
  { name: 'BEGIN', ddl: `BEGIN`, rule: at(1, 1, TRANSACTION) },
  { name: 'COMMIT after a harmless table', ddl: `CREATE TABLE ok (id int); COMMIT`, rule: at(2, 2, TRANSACTION) },
  {
    name: 'COMMIT hidden as statement 2 of 3',
    ddl: `CREATE TABLE ok (id int);\nCOMMIT;\nCREATE TABLE ok2 (id int)`,
    rule: at(2, 3, TRANSACTION),
  },
  { name: 'ROLLBACK', ddl: `ROLLBACK`, rule: at(1, 1, TRANSACTION) },
  { name: 'SAVEPOINT', ddl: `CREATE TABLE ok (id int); SAVEPOINT sp1`, rule: at(2, 2, TRANSACTION) },
  { name: 'RELEASE SAVEPOINT', ddl: `RELEASE SAVEPOINT apply`, rule: at(1, 1, TRANSACTION) },
  { name: 'START TRANSACTION', ddl: `START TRANSACTION ISOLATION LEVEL SERIALIZABLE`, rule: at(1, 1, TRANSACTION) },
  { name: 'PREPARE TRANSACTION', ddl: `PREPARE TRANSACTION 'x'`, rule: at(1, 1, TRANSACTION) },

  // --- SET / RESET / set_config: would change role, search_path or limits --------
  { name: 'RESET ROLE', ddl: `RESET ROLE`, rule: at(1, 1, SETTING) },
  { name: 'SET ROLE postgres', ddl: `SET ROLE postgres`, rule: at(1, 1, SETTING) },
  { name: 'SET search_path to public', ddl: `SET search_path TO public`, rule: at(1, 1, SETTING) },
  {
    name: 'SET LOCAL statement_timeout after a table',
    ddl: `CREATE TABLE ok (id int); SET LOCAL statement_timeout = 0`,
    rule: at(2, 2, SETTING),
  },
  { name: 'SET SESSION AUTHORIZATION', ddl: `SET SESSION AUTHORIZATION postgres`, rule: at(1, 1, SETTING) },
  { name: 'RESET ALL', ddl: `RESET ALL`, rule: at(1, 1, SETTING) },
  {
    name: 'top-level SELECT set_config(search_path)',
    ddl: `SELECT set_config('search_path', 'public', false)`,
    rule: at(1, 1, `select|${FUNCTION}|${SETTING}`),
  },
  {
    name: 'set_config inside INSERT ... VALUES',
    ddl: `CREATE TABLE ok (v text); INSERT INTO ok VALUES (set_config('search_path', 'public', false))`,
    rule: at(2, 2, `${FUNCTION}|set_config`),
  },
  {
    name: 'ALTER SYSTEM SET',
    ddl: `ALTER SYSTEM SET shared_preload_libraries = 'auto_explain'`,
    rule: at(1, 1, `system|configuration|${SETTING}`),
  },
  {
    name: 'ALTER DATABASE SET search_path',
    ddl: `ALTER DATABASE postgres SET search_path TO public`,
    rule: at(1, 1),
  },

  // --- Anonymous code, functions, procedures -------------------------------------
  { name: 'DO block', ddl: `DO $$ BEGIN PERFORM 1; END $$`, rule: at(1, 1, '\\bdo\\b|anonymous|code block') },
  {
    name: 'DO block hidden as statement 3',
    ddl: `CREATE TABLE a (id int); CREATE TABLE b (id int); DO $$ BEGIN EXECUTE 'DROP TABLE a'; END $$`,
    rule: at(3, 3, '\\bdo\\b|anonymous|code block'),
  },
  {
    name: 'CREATE FUNCTION',
    ddl: `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
    rule: at(1, 1, FUNCTION),
  },
  {
    name: 'CREATE OR REPLACE FUNCTION SECURITY DEFINER',
    ddl: `CREATE TABLE ok (id int);\nCREATE OR REPLACE FUNCTION f() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS $$ SELECT count(*) FROM ok $$`,
    rule: at(2, 2, FUNCTION),
  },
  {
    name: 'CREATE PROCEDURE',
    ddl: `CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$`,
    rule: at(1, 1, FUNCTION),
  },
  { name: 'CALL', ddl: `CALL p()`, rule: at(1, 1, `${FUNCTION}|call`) },
  { name: 'CREATE LANGUAGE', ddl: `CREATE LANGUAGE plpython3u`, rule: at(1, 1) },

  // --- Triggers and rules ----------------------------------------------------------
  {
    name: 'CREATE TRIGGER',
    ddl: `CREATE TABLE ok (id int);\nCREATE TRIGGER trg BEFORE UPDATE ON ok FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()`,
    rule: at(2, 2, 'trigger'),
  },
  {
    name: 'CREATE RULE',
    ddl: `CREATE TABLE ok (id int); CREATE RULE r AS ON INSERT TO ok DO INSTEAD NOTHING`,
    rule: at(2, 2, 'rule'),
  },

  // --- COPY: server-side files and programs ---------------------------------------
  {
    name: 'COPY FROM PROGRAM',
    ddl: `CREATE TABLE secrets (id int, secret text); COPY secrets FROM PROGRAM 'id'`,
    rule: at(2, 2, 'copy'),
  },
  { name: 'COPY (query) TO file', ddl: `COPY (SELECT 1) TO '/tmp/x'`, rule: at(1, 1, 'copy') },
  {
    name: 'COPY another tenant to stdout',
    ddl: `COPY {{other}}.secrets TO STDOUT`,
    rule: at(1, 1, `copy|${OUTSIDE}`),
  },

  // --- Roles, grants, privileges, ownership -----------------------------------------
  { name: 'CREATE ROLE', ddl: `CREATE ROLE evil LOGIN SUPERUSER PASSWORD 'x'`, rule: at(1, 1, GRANT) },
  { name: 'ALTER ROLE', ddl: `ALTER ROLE CURRENT_USER SUPERUSER`, rule: at(1, 1, GRANT) },
  { name: 'DROP ROLE', ddl: `DROP ROLE IF EXISTS someone`, rule: at(1, 1, GRANT) },
  {
    name: 'GRANT SELECT TO PUBLIC',
    ddl: `CREATE TABLE ok (id int); GRANT SELECT ON ok TO PUBLIC`,
    rule: at(2, 2, GRANT),
  },
  { name: 'GRANT USAGE ON own schema', ddl: `GRANT USAGE ON SCHEMA {{self}} TO PUBLIC`, rule: at(1, 1, GRANT) },
  { name: 'GRANT role membership', ddl: `GRANT postgres TO CURRENT_USER`, rule: at(1, 1, GRANT) },
  {
    name: 'REVOKE',
    ddl: `CREATE TABLE ok (id int); CREATE TABLE ok2 (id int); REVOKE ALL ON ok2 FROM PUBLIC`,
    rule: at(3, 3, GRANT),
  },
  {
    name: 'ALTER DEFAULT PRIVILEGES',
    ddl: `ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC`,
    rule: at(1, 1, GRANT),
  },
  { name: 'REASSIGN OWNED', ddl: `REASSIGN OWNED BY CURRENT_USER TO postgres`, rule: at(1, 1, GRANT) },
  { name: 'DROP OWNED', ddl: `DROP OWNED BY CURRENT_USER CASCADE`, rule: at(1, 1, GRANT) },
  {
    name: 'ALTER TABLE OWNER TO',
    ddl: `CREATE TABLE t (id int); ALTER TABLE t OWNER TO postgres`,
    rule: at(2, 2, 'owner'),
  },

  // --- Extensions -------------------------------------------------------------------
  { name: 'CREATE EXTENSION dblink', ddl: `CREATE EXTENSION dblink`, rule: at(1, 1, 'extension') },
  {
    name: 'CREATE EXTENSION hidden as statement 2',
    ddl: `CREATE TABLE ok (id int); CREATE EXTENSION IF NOT EXISTS file_fdw SCHEMA {{self}}`,
    rule: at(2, 2, 'extension'),
  },
  { name: 'DROP EXTENSION', ddl: `DROP EXTENSION IF EXISTS plpgsql`, rule: at(1, 1, 'extension') },

  // --- Schemas ------------------------------------------------------------------------
  { name: 'CREATE SCHEMA', ddl: `CREATE SCHEMA evil`, rule: at(1, 1, 'schema') },
  { name: 'DROP SCHEMA of another tenant', ddl: `DROP SCHEMA {{other}} CASCADE`, rule: at(1, 1, 'schema') },
  {
    name: 'DROP SCHEMA hidden after harmless statements',
    ddl: `CREATE TABLE ok (id int); -- harmless\nCREATE INDEX ok_id ON ok (id);\nDROP SCHEMA {{other}} CASCADE`,
    rule: at(3, 3, 'schema'),
  },
  { name: 'ALTER SCHEMA own RENAME', ddl: `ALTER SCHEMA {{self}} RENAME TO hijacked`, rule: at(1, 1, 'schema') },
  {
    name: 'ALTER TABLE SET SCHEMA public',
    ddl: `CREATE TABLE t (id int); ALTER TABLE t SET SCHEMA public`,
    rule: at(2, 2, 'schema'),
  },
  {
    name: 'ALTER TYPE SET SCHEMA to another tenant',
    ddl: `CREATE TYPE mood AS ENUM ('ok'); ALTER TYPE mood SET SCHEMA {{other}}`,
    rule: at(2, 2, 'schema'),
  },

  // --- Tablespaces ------------------------------------------------------------------
  { name: 'CREATE TABLESPACE', ddl: `CREATE TABLESPACE ts LOCATION '/tmp/ts'`, rule: at(1, 1, 'tablespace') },
  { name: 'CREATE TABLE ... TABLESPACE', ddl: `CREATE TABLE t (id int) TABLESPACE pg_default`, rule: at(1, 1, 'tablespace') },
  {
    name: 'ALTER TABLE SET TABLESPACE',
    ddl: `CREATE TABLE t (id int); ALTER TABLE t SET TABLESPACE pg_global`,
    rule: at(2, 2, 'tablespace'),
  },

  // --- LOAD, CONCURRENTLY -----------------------------------------------------------
  { name: 'LOAD', ddl: `LOAD 'auto_explain'`, rule: at(1, 1, 'load') },
  {
    name: 'CREATE INDEX CONCURRENTLY',
    ddl: `CREATE TABLE t (id int); CREATE INDEX CONCURRENTLY t_id ON t (id)`,
    rule: at(2, 2, 'concurrently'),
  },

  // --- Names outside the tenant's schema --------------------------------------------
  { name: 'CREATE TABLE public.t', ddl: `CREATE TABLE public.t (id int)`, rule: at(1, 1, OUTSIDE) },
  { name: 'CREATE TABLE in another tenant', ddl: `CREATE TABLE {{other}}.planted (id int)`, rule: at(1, 1, OUTSIDE) },
  {
    name: 'quoted schema name of another tenant',
    ddl: `CREATE TABLE "{{other}}"."planted" (id int)`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'unicode-escaped identifier spelling public',
    ddl: String.raw`CREATE TABLE U&"pub\006Cic".t (id int)`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'REFERENCES another tenant',
    ddl: `CREATE TABLE t (id int REFERENCES {{other}}.secrets (id))`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'table-level FOREIGN KEY to another tenant via ALTER TABLE',
    ddl: `CREATE TABLE t (id int); ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (id) REFERENCES {{other}}.secrets (id)`,
    rule: at(2, 2, OUTSIDE),
  },
  { name: 'VIEW over another tenant', ddl: `CREATE VIEW v AS SELECT * FROM {{other}}.secrets`, rule: at(1, 1, OUTSIDE) },
  {
    name: 'MATERIALIZED VIEW over another tenant',
    ddl: `CREATE MATERIALIZED VIEW mv AS SELECT secret FROM {{other}}.secrets`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'VIEW joining own table to another tenant',
    ddl: `CREATE TABLE ok (id int);\nCREATE VIEW v AS SELECT ok.id, s.secret FROM ok JOIN {{other}}.secrets s ON s.id = ok.id`,
    rule: at(2, 2, OUTSIDE),
  },
  {
    name: 'VIEW with a subquery on another tenant in WHERE',
    ddl: `CREATE TABLE ok (id int);\nCREATE VIEW v AS SELECT id FROM ok WHERE EXISTS (SELECT 1 FROM {{other}}.secrets s WHERE s.id = ok.id)`,
    rule: at(2, 2, OUTSIDE),
  },
  {
    name: '3-part column reference to another tenant in a view select list',
    ddl: `CREATE TABLE ok (id int); CREATE VIEW v AS SELECT {{other}}.secrets.secret FROM ok`,
    rule: at(2, 2, OUTSIDE),
  },
  { name: 'CTAS from another tenant', ddl: `CREATE TABLE t AS SELECT * FROM {{other}}.secrets`, rule: at(1, 1, OUTSIDE) },
  {
    name: 'SELECT INTO from another tenant',
    ddl: `SELECT * INTO t FROM {{other}}.secrets`,
    rule: at(1, 1, `select|${OUTSIDE}`),
  },
  {
    name: 'INSERT ... SELECT from another tenant',
    ddl: `CREATE TABLE t (id int); INSERT INTO t SELECT id FROM {{other}}.secrets`,
    rule: at(2, 2, OUTSIDE),
  },
  {
    name: 'INSERT into another tenant',
    ddl: `INSERT INTO {{other}}.secrets (id, secret) VALUES (1, 'planted')`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'data-modifying CTE deleting from another tenant',
    ddl: `CREATE TABLE t (id int);\nWITH gone AS (DELETE FROM {{other}}.secrets RETURNING id) INSERT INTO t SELECT id FROM gone`,
    rule: at(2, 2, OUTSIDE),
  },
  { name: 'UPDATE another tenant', ddl: `UPDATE {{other}}.secrets SET secret = 'x'`, rule: at(1, 1, OUTSIDE) },
  {
    name: 'UPDATE own table FROM another tenant',
    ddl: `CREATE TABLE t (id int, v text); UPDATE t SET v = s.secret FROM {{other}}.secrets s WHERE s.id = t.id`,
    rule: at(2, 2, OUTSIDE),
  },
  {
    name: 'DELETE from the service audit table',
    ddl: `DELETE FROM business_store_service.schema_migrations`,
    rule: at(1, 1, OUTSIDE),
  },
  { name: 'DROP TABLE of another tenant', ddl: `DROP TABLE {{other}}.secrets`, rule: at(1, 1, OUTSIDE) },
  {
    name: 'ALTER TABLE of another tenant',
    ddl: `CREATE TABLE ok (id int); ALTER TABLE {{other}}.secrets ADD COLUMN leaked text`,
    rule: at(2, 2, OUTSIDE),
  },
  { name: 'TRUNCATE another tenant', ddl: `TRUNCATE {{other}}.secrets`, rule: at(1, 1) },
  {
    name: 'CREATE INDEX on another tenant',
    ddl: `CREATE INDEX planted_idx ON {{other}}.secrets (secret)`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'COMMENT ON another tenant table',
    ddl: `COMMENT ON TABLE {{other}}.secrets IS 'owned'`,
    rule: at(1, 1, OUTSIDE),
  },
  { name: 'LIKE another tenant table', ddl: `CREATE TABLE t (LIKE {{other}}.secrets)`, rule: at(1, 1, OUTSIDE) },
  { name: 'INHERITS from another tenant', ddl: `CREATE TABLE t () INHERITS ({{other}}.secrets)`, rule: at(1, 1, OUTSIDE) },
  {
    name: 'nextval on another tenant sequence in DEFAULT',
    ddl: `CREATE TABLE t (id int DEFAULT nextval('{{other}}.s'))`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'ALTER SEQUENCE OWNED BY another tenant column',
    ddl: `CREATE SEQUENCE s; ALTER SEQUENCE s OWNED BY {{other}}.secrets.id`,
    rule: at(2, 2, OUTSIDE),
  },
  { name: 'type from public (citext)', ddl: `CREATE TABLE t (v public.citext)`, rule: at(1, 1, OUTSIDE) },
  {
    name: 'cast to a type of another tenant',
    ddl: `CREATE TABLE t (v text); ALTER TABLE t ALTER COLUMN v TYPE {{other}}.mood USING v::{{other}}.mood`,
    rule: at(2, 2, OUTSIDE),
  },
  {
    name: 'CHECK subquery on another tenant',
    ddl: `CREATE TABLE t (id int CHECK (id > (SELECT count(*) FROM {{other}}.secrets)))`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'DEFAULT subquery on another tenant',
    ddl: `CREATE TABLE t (id int, v text DEFAULT (SELECT min(secret) FROM {{other}}.secrets))`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'qualified pg_catalog.pg_authid',
    ddl: `CREATE VIEW v AS SELECT rolname, rolpassword FROM pg_catalog.pg_authid`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'information_schema.tables',
    ddl: `CREATE VIEW v AS SELECT table_schema, table_name FROM information_schema.tables`,
    rule: at(1, 1, OUTSIDE),
  },
  {
    name: 'view over the service audit table',
    ddl: `CREATE VIEW v AS SELECT * FROM business_store_service.schema_migrations`,
    rule: at(1, 1, OUTSIDE),
  },

  // --- Unqualified system catalogs ---------------------------------------------------
  { name: 'view over pg_authid', ddl: `CREATE VIEW v AS SELECT * FROM pg_authid`, rule: at(1, 1, CATALOG) },
  {
    name: 'INSERT ... SELECT from pg_shadow',
    ddl: `CREATE TABLE t (u text, p text); INSERT INTO t SELECT usename, passwd FROM pg_shadow`,
    rule: at(2, 2, CATALOG),
  },
  { name: 'view over pg_roles', ddl: `CREATE VIEW v AS SELECT rolname FROM pg_roles`, rule: at(1, 1, CATALOG) },
  {
    name: 'CTAS from pg_class',
    ddl: `CREATE TABLE t AS SELECT relname, relnamespace FROM pg_class`,
    rule: at(1, 1, CATALOG),
  },

  // --- Temporary objects -------------------------------------------------------------
  { name: 'CREATE TEMP TABLE', ddl: `CREATE TEMP TABLE t (id int)`, rule: at(1, 1, 'temporary') },
  {
    name: 'CREATE TEMPORARY VIEW',
    ddl: `CREATE TABLE ok (id int); CREATE TEMPORARY VIEW v AS SELECT id FROM ok`,
    rule: at(2, 2, 'temporary'),
  },

  // --- Dangerous functions --------------------------------------------------------------
  {
    name: 'view using pg_read_file',
    ddl: `CREATE VIEW v AS SELECT pg_read_file('/etc/passwd') AS content`,
    rule: at(1, 1, FUNCTION),
  },
  {
    name: 'INSERT VALUES pg_ls_dir',
    ddl: `CREATE TABLE t (f text); INSERT INTO t VALUES (pg_ls_dir('.'))`,
    rule: at(2, 2, FUNCTION),
  },
  {
    name: 'INSERT SELECT lo_import',
    ddl: `CREATE TABLE t (o oid); INSERT INTO t SELECT lo_import('/etc/passwd')`,
    rule: at(2, 2, FUNCTION),
  },
  {
    name: 'view over dblink',
    ddl: `CREATE VIEW v AS SELECT * FROM dblink('dbname=postgres', 'SELECT secret FROM secrets') AS x(secret text)`,
    rule: at(1, 1, `${FUNCTION}|${OUTSIDE}`),
  },
  {
    name: 'query_to_xml reading another tenant',
    ddl: `CREATE VIEW v AS SELECT query_to_xml('select * from {{other}}.secrets', true, true, '') AS x`,
    rule: at(1, 1, FUNCTION),
  },
  {
    name: 'pg_terminate_backend in a backfill',
    ddl: `CREATE TABLE t (id int); UPDATE t SET id = 1 WHERE pg_terminate_backend(1)`,
    rule: at(2, 2, FUNCTION),
  },
  {
    name: 'pg_advisory_lock in a seed',
    ddl: `CREATE TABLE t (id int); INSERT INTO t SELECT 1 FROM (SELECT pg_advisory_lock(42)) AS x`,
    rule: at(2, 2, FUNCTION),
  },
  {
    name: 'pg_reload_conf in a DEFAULT',
    ddl: `CREATE TABLE t (id int, reloaded boolean DEFAULT pg_reload_conf())`,
    rule: at(1, 1, FUNCTION),
  },
  {
    name: 'lastval() in a seed',
    ddl: `CREATE TABLE t (id bigint); INSERT INTO t VALUES (lastval())`,
    rule: at(2, 2, FUNCTION),
  },
  {
    name: 'set_config in a DEFAULT',
    ddl: `CREATE TABLE t (v text DEFAULT set_config('role', 'postgres', true))`,
    rule: at(1, 1, `${FUNCTION}|set_config`),
  },

  // --- Plain queries --------------------------------------------------------------------
  { name: 'SELECT 1', ddl: `SELECT 1`, rule: at(1, 1, 'select') },
  {
    name: 'SELECT from another tenant after a table',
    ddl: `CREATE TABLE ok (id int); SELECT * FROM {{other}}.secrets`,
    rule: at(2, 2, `select|${OUTSIDE}`),
  },
  {
    name: 'EXPLAIN ANALYZE running a delete',
    ddl: `EXPLAIN ANALYZE DELETE FROM {{other}}.secrets`,
    rule: at(1, 1),
  },

  // --- Maintenance, sessions, cluster-wide and exotic statements ------------------------
  { name: 'VACUUM', ddl: `VACUUM`, rule: at(1, 1) },
  { name: 'VACUUM FULL own table', ddl: `CREATE TABLE ok (id int); VACUUM FULL ok`, rule: at(2, 2) },
  { name: 'ANALYZE', ddl: `ANALYZE`, rule: at(1, 1) },
  { name: 'CLUSTER', ddl: `CREATE TABLE ok (id int PRIMARY KEY); CLUSTER ok USING ok_pkey`, rule: at(2, 2) },
  { name: 'REINDEX DATABASE', ddl: `REINDEX DATABASE postgres`, rule: at(1, 1) },
  { name: 'LISTEN', ddl: `LISTEN x`, rule: at(1, 1) },
  { name: 'NOTIFY', ddl: `CREATE TABLE ok (id int); NOTIFY x, 'payload'`, rule: at(2, 2) },
  { name: 'PREPARE', ddl: `PREPARE q AS SELECT 1`, rule: at(1, 1) },
  { name: 'EXECUTE', ddl: `EXECUTE q`, rule: at(1, 1) },
  { name: 'DISCARD ALL', ddl: `DISCARD ALL`, rule: at(1, 1) },
  { name: 'LOCK another tenant', ddl: `LOCK TABLE {{other}}.secrets IN ACCESS EXCLUSIVE MODE`, rule: at(1, 1) },
  { name: 'CHECKPOINT', ddl: `CHECKPOINT`, rule: at(1, 1) },
  { name: 'CREATE DATABASE', ddl: `CREATE DATABASE x`, rule: at(1, 1) },
  { name: 'DROP DATABASE', ddl: `DROP DATABASE IF EXISTS postgres`, rule: at(1, 1) },
  {
    name: 'SECURITY LABEL',
    ddl: `CREATE TABLE ok (id int); SECURITY LABEL FOR selinux ON TABLE ok IS 'system_u:object_r:sepgsql_table_t:s0'`,
    rule: at(2, 2),
  },
  {
    name: 'CREATE POLICY',
    ddl: `CREATE TABLE ok (id int); CREATE POLICY p ON ok USING (true)`,
    rule: at(2, 2),
  },
  { name: 'CREATE SERVER', ddl: `CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'evil')`, rule: at(1, 1) },
  { name: 'CREATE FOREIGN DATA WRAPPER', ddl: `CREATE FOREIGN DATA WRAPPER w`, rule: at(1, 1) },
  { name: 'CREATE USER MAPPING', ddl: `CREATE USER MAPPING FOR CURRENT_USER SERVER s`, rule: at(1, 1) },
  { name: 'CREATE FOREIGN TABLE', ddl: `CREATE FOREIGN TABLE f (id int) SERVER s`, rule: at(1, 1) },
  { name: 'IMPORT FOREIGN SCHEMA', ddl: `IMPORT FOREIGN SCHEMA public FROM SERVER s INTO {{self}}`, rule: at(1, 1) },
  { name: 'CREATE PUBLICATION', ddl: `CREATE PUBLICATION pub FOR ALL TABLES`, rule: at(1, 1) },
  {
    name: 'CREATE SUBSCRIPTION',
    ddl: `CREATE SUBSCRIPTION sub CONNECTION 'host=evil dbname=x' PUBLICATION pub`,
    rule: at(1, 1),
  },
  {
    name: 'CREATE EVENT TRIGGER',
    ddl: `CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION f()`,
    rule: at(1, 1),
  },
  { name: 'CREATE CAST', ddl: `CREATE CAST (text AS int) WITH INOUT AS IMPLICIT`, rule: at(1, 1) },
  {
    name: 'CREATE OPERATOR',
    ddl: `CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq)`,
    rule: at(1, 1),
  },
  {
    name: 'CREATE AGGREGATE',
    ddl: `CREATE AGGREGATE agg (int) (SFUNC = int4pl, STYPE = int)`,
    rule: at(1, 1),
  },
  { name: 'CREATE ACCESS METHOD', ddl: `CREATE ACCESS METHOD am TYPE TABLE HANDLER heap_tableam_handler`, rule: at(1, 1) },
  { name: 'COMMENT ON DATABASE', ddl: `COMMENT ON DATABASE postgres IS 'owned'`, rule: at(1, 1) },
];
