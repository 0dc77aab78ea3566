import type { ParsedStatement } from './parse-ddl.js';
import { type AllowOptions, type Feature, resolveAllowOptions, trustedOnlyRefusal } from './policy.js';
import type { StrictScope, TrustedScope } from './scope.js';
import { statementKeywords } from './statement-kind.js';
import { statementRule } from './statement-rules.js';
import { trustedRule } from './trusted-rules.js';

export { AllowOptionsError, DEFINITION_POLICIES, type AllowOptions, type DefinitionPolicy } from './policy.js';

export const MAX_STATEMENTS = 1000;

/** A statement of a tenant's DDL that the allow-list refuses; names the statement and the rule. */
export class DdlRejectedError extends Error {
  constructor(
    readonly ordinal: number,
    readonly total: number,
    readonly kind: string,
    readonly rule: string,
  ) {
    super(`ddl statement ${ordinal} of ${total} (${statementKeywords(kind) || kind}) is not allowed: ${rule}`);
    this.name = 'DdlRejectedError';
  }
}

export class TooManyStatementsError extends Error {
  constructor(count: number) {
    super(`ddl holds ${count} statements; at most ${MAX_STATEMENTS} are allowed per version`);
    this.name = 'TooManyStatementsError';
  }
}

/**
 * The allow-list of a definition's policy (docs/contract.md §10). Throws DdlRejectedError for the
 * first statement that fails, AllowOptionsError for options that contradict each other
 * (transactional: false needs trusted).
 * - strict: every statement of an allowed kind, passing that kind's rule, naming only objects of
 *   the tenant's schema (and built-ins). A statement that uses a feature only the trusted policy
 *   has is refused naming the feature, and saying whether trusted would take this statement.
 * - trusted: only what §10 refuses; the rest is PostgreSQL's to allow or refuse the tenant's role.
 */
export function checkAllowed(statements: ParsedStatement[], tenantSchema: string, options?: Partial<AllowOptions>): void {
  const resolved = resolveAllowOptions(options);
  if (statements.length > MAX_STATEMENTS) throw new TooManyStatementsError(statements.length);
  for (const statement of statements) {
    const rule = resolved.policy === 'trusted' ? trustedRule(statement, trustedScope(resolved)) : strictRule(statement, tenantSchema, resolved);
    if (rule) throw new DdlRejectedError(statement.ordinal, statements.length, statement.kind, rule);
  }
}

/** The extensions a trusted definition creates anywhere in it (in DO blocks and constant EXECUTEs too), to install before it runs. */
export function extensionsCreated(statements: ParsedStatement[], options: Partial<AllowOptions>): string[] {
  const extensions = new Set<string>();
  const scope = trustedScope(resolveAllowOptions({ ...options, policy: 'trusted' }), extensions);
  for (const statement of statements) trustedRule(statement, scope);
  return [...extensions];
}

function trustedScope(options: AllowOptions, extensions?: Set<string>): TrustedScope {
  return { options, depth: 0, check: trustedRule, extensions };
}

function strictRule(statement: ParsedStatement, tenantSchema: string, options: AllowOptions): string | undefined {
  let feature: Feature | undefined;
  const trustedOnly = (used: Feature) => {
    feature ??= used;
  };
  const scope: StrictScope = { options, names: { tenantSchema, trustedOnly }, trustedOnly };
  const broken = statementRule(statement, scope);
  if (!feature) return broken;
  return trustedOnlyRefusal(feature, trustedRule(statement, trustedScope({ ...options, policy: 'trusted' })));
}
