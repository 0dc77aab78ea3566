import type { ParsedStatement } from './parse-ddl.js';
import { type AllowOptions, type Feature, resolveAllowOptions, strictRule } from './policy.js';
import type { Scope } from './scope.js';
import { statementKeywords } from './statement-kind.js';
import { statementRule } from './statement-rules.js';

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
 * The allow-list of a definition's policy: every statement must be of an allowed kind, pass
 * that kind's rule (bodies of routines and DO blocks included), and name only objects of the
 * tenant's schema (and built-ins). Throws DdlRejectedError for the first that fails,
 * AllowOptionsError for options that contradict each other (transactional: false needs trusted).
 *
 * Each statement is checked as the trusted policy would; under strict, one that uses a
 * trusted-only feature is then refused naming the feature.
 */
export function checkAllowed(statements: ParsedStatement[], tenantSchema: string, options?: Partial<AllowOptions>): void {
  const resolved = resolveAllowOptions(options);
  if (statements.length > MAX_STATEMENTS) throw new TooManyStatementsError(statements.length);
  for (const statement of statements) {
    let feature: Feature | undefined;
    const trustedOnly = (used: Feature) => {
      if (resolved.policy !== 'trusted') feature ??= used;
    };
    const scope: Scope = { options: resolved, names: { tenantSchema, trustedOnly }, depth: 0, trustedOnly, check: statementRule };
    const broken = statementRule(statement, scope);
    const rule = feature ? strictRule(feature, broken) : broken;
    if (rule) throw new DdlRejectedError(statement.ordinal, statements.length, statement.kind, rule);
  }
}
