import { checkAllowed, DdlRejectedError, MAX_STATEMENTS, TooManyStatementsError } from './allow-list.js';
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
