import type { NameRules } from './name-rules.js';
import type { StatementNode } from './parse-tree.js';
import type { AllowOptions, Feature } from './policy.js';

/** What a statement of a strict definition is checked against. */
export interface StrictScope {
  readonly options: AllowOptions;
  readonly names: NameRules;
  /** Notes a feature only the trusted policy allows: the statement is then refused naming it. */
  readonly trustedOnly: (feature: Feature) => void;
}

/** Routine bodies, DO blocks and EXECUTEd strings nest; what lies deeper is left to PostgreSQL. */
export const MAX_NESTING = 4;

/** Where a statement of a trusted definition sits. */
export interface TrustedScope {
  readonly options: AllowOptions;
  /** 0 for a statement of the definition; 1 and more inside a routine body, DO block or EXECUTEd string. */
  readonly depth: number;
  /** The rule a (nested) statement breaks: the trusted policy's, passed down to avoid an import cycle. */
  readonly check: (statement: StatementNode, scope: TrustedScope) => string | undefined;
  /** Collects the extensions the definition creates, anywhere in it (the service installs them first). */
  readonly extensions?: Set<string>;
}

export const inner = (scope: TrustedScope): TrustedScope => ({ ...scope, depth: scope.depth + 1 });
