import type { NameRules } from './name-rules.js';
import type { StatementNode } from './parse-tree.js';
import type { AllowOptions, Feature } from './policy.js';

/** Routine bodies, DO blocks and EXECUTEd strings nest; deeper than this is refused, not checked. */
export const MAX_NESTING = 4;

/** What a statement is checked against, wherever it sits. */
export interface Scope {
  readonly options: AllowOptions;
  readonly names: NameRules;
  /** 0 for a statement of the definition; 1 and more inside a routine body, DO block or EXECUTEd string. */
  readonly depth: number;
  /** Notes a feature only the trusted policy allows; the statement is checked on as trusted would. */
  readonly trustedOnly: (feature: Feature) => void;
  /** The rule a (nested) statement breaks: the allow-list itself, passed down to avoid an import cycle. */
  readonly check: (statement: StatementNode, scope: Scope) => string | undefined;
}

export const inner = (scope: Scope): Scope => ({ ...scope, depth: scope.depth + 1 });
