import { HOSTILE } from '../../test/corpus/hostile-ddl.js';
import { LEGIT } from '../../test/corpus/legit-ddl.js';
import { TRUSTED_HOSTILE } from '../../test/corpus/trusted-hostile-ddl.js';
import { type AllowOptions, checkAllowed } from './allow-list.js';
import { parseDdl } from './parse-ddl.js';

const SELF = 'tenant_0123456789abcdef0123456789abcdef';
const OTHER = 'tenant_fedcba9876543210fedcba9876543210';
const EXTENSIONS = ['pgcrypto', 'pg_trgm', 'btree_gin', 'btree_gist', 'ltree', 'citext'];
const TRUSTED: Partial<AllowOptions> = { policy: 'trusted', trustedExtensions: EXTENSIONS };
const STRICT: Partial<AllowOptions> = { policy: 'strict', trustedExtensions: EXTENSIONS };

const substitute = (ddl: string) =>
  ddl.replaceAll('{{self}}', SELF).replaceAll('{{other}}', OTHER).replaceAll('{{other_role}}', `bss_${OTHER}_4242`).replaceAll('{{service_role}}', 'bss_app');
/** The refusal's message, or undefined when the allow-list accepts the ddl. */
async function refusal(ddl: string, options: Partial<AllowOptions>): Promise<string | undefined> {
  const statements = await parseDdl(substitute(ddl));
  try {
    checkAllowed(statements, SELF, options);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Strict hostile cases that the trusted policy refuses too (docs/contract.md §10). The others reach
 * PostgreSQL, which refuses the tenant's role what is not its own (test/trusted-sandbox.e2e-spec.ts
 * applies every one of them and checks that nothing outside the tenant changed).
 */
const REFUSED_WHEN_TRUSTED = new Set([
  'BEGIN',
  'COMMIT after a harmless table',
  'COMMIT hidden as statement 2 of 3',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE SAVEPOINT',
  'START TRANSACTION',
  'PREPARE TRANSACTION',
  'RESET ROLE',
  'SET ROLE postgres',
  'SET SESSION AUTHORIZATION',
  'RESET ALL',
  'ALTER SYSTEM SET',
  'CREATE OR REPLACE FUNCTION SECURITY DEFINER',
  'CREATE LANGUAGE',
  'COPY FROM PROGRAM',
  'COPY (query) TO file',
  'GRANT SELECT TO PUBLIC',
  'GRANT USAGE ON own schema',
  'GRANT role membership',
  'ALTER DEFAULT PRIVILEGES',
  'REASSIGN OWNED',
  'ALTER TABLE OWNER TO',
  'CREATE EXTENSION dblink',
  'CREATE EXTENSION hidden as statement 2',
  'LOAD',
  'CREATE INDEX CONCURRENTLY',
  'set_config in a DEFAULT',
  'CREATE EVENT TRIGGER',
]);
const MESSAGE = /^ddl statement \d+ of \d+ \(.+\) is not allowed: /;

describe('the strict policy over the corpora', () => {
  it.each(HOSTILE)('refuses hostile $name', async ({ ddl, rule }) => {
    const message = await refusal(ddl, STRICT);
    expect(message).toMatch(MESSAGE);
    expect(message).toMatch(rule);
  });

  it.each(LEGIT)('accepts every version of $name', async ({ versions }) => {
    for (const version of versions) expect(await refusal(version, STRICT)).toBeUndefined();
  });
});

describe('the trusted policy over the corpora', () => {
  it(`has a trusted hostile corpus of at least 40 cases (${TRUSTED_HOSTILE.length})`, () => {
    expect(TRUSTED_HOSTILE.length).toBeGreaterThanOrEqual(40);
    expect(TRUSTED_HOSTILE.filter((c) => 'failsAtApply' in c.expect).length).toBeGreaterThanOrEqual(10);
  });

  it.each(TRUSTED_HOSTILE.filter((c) => 'refused' in c.expect))('refuses $name', async ({ ddl, expect: outcome }) => {
    const message = await refusal(ddl, TRUSTED);
    expect(message).toMatch(MESSAGE);
    if ('refused' in outcome) expect(message).toMatch(outcome.refused);
  });

  it.each(TRUSTED_HOSTILE.filter((c) => 'failsAtApply' in c.expect))('lets $name through to the apply', async ({ ddl }) => {
    expect(await refusal(ddl, TRUSTED)).toBeUndefined();
  });

  it.each(HOSTILE.filter((c) => REFUSED_WHEN_TRUSTED.has(c.name)))('still refuses strict hostile $name', async ({ ddl, rule }) => {
    expect(await refusal(ddl, TRUSTED)).toMatch(rule);
  });

  it.each(HOSTILE.filter((c) => !REFUSED_WHEN_TRUSTED.has(c.name)))('leaves strict hostile $name to PostgreSQL', async ({ ddl }) => {
    expect(await refusal(ddl, TRUSTED)).toBeUndefined();
  });

  it.each(LEGIT)('accepts every version of $name', async ({ versions }) => {
    for (const version of versions) expect(await refusal(version, TRUSTED)).toBeUndefined();
  });
});
