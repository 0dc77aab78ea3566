/**
 * Definition policies (docs/contract.md §10): `strict` for DDL from untrusted authors, `trusted` also
 * for DO blocks, sql/plpgsql routines, triggers and the trusted extensions.
 */
export const DEFINITION_POLICIES = ['strict', 'trusted'] as const;
export type DefinitionPolicy = (typeof DEFINITION_POLICIES)[number];

/** Where the trusted extensions live, once per database, managed by the service. */
export const EXTENSION_SCHEMA = 'bss_extensions';

export interface AllowOptions {
  policy: DefinitionPolicy;
  /** false: the statements run one by one outside a transaction (CREATE INDEX CONCURRENTLY); trusted only. */
  transactional: boolean;
  /** The extensions a trusted definition may create (TRUSTED_EXTENSIONS). */
  trustedExtensions: readonly string[];
}

export const DEFAULT_ALLOW_OPTIONS: AllowOptions = { policy: 'strict', transactional: true, trustedExtensions: [] };

/** The options of a definition contradict each other or hold an unknown value. */
export class AllowOptionsError extends Error {
  constructor(
    readonly option: keyof AllowOptions,
    message: string,
  ) {
    super(message);
    this.name = 'AllowOptionsError';
  }
}

export function resolveAllowOptions(options: Partial<AllowOptions> = {}): AllowOptions {
  const resolved = { ...DEFAULT_ALLOW_OPTIONS, ...withoutUndefined(options) };
  if (!DEFINITION_POLICIES.includes(resolved.policy)) {
    throw new AllowOptionsError('policy', `policy must be one of ${DEFINITION_POLICIES.join(', ')}, not '${String(resolved.policy)}'`);
  }
  if (!resolved.transactional && resolved.policy !== 'trusted') {
    throw new AllowOptionsError(
      'transactional',
      'transactional: false needs the trusted policy (statements applied one by one outside a transaction cannot be rolled back)',
    );
  }
  return resolved;
}

function withoutUndefined(options: Partial<AllowOptions>): Partial<AllowOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** Something only the trusted policy allows, named for the strict policy's refusal. */
export interface Feature {
  /** e.g. "DO blocks", "CALL". */
  name: string;
  plural: boolean;
}

export const DO_BLOCKS: Feature = { name: 'DO blocks', plural: true };
export const ROUTINES: Feature = { name: 'functions and procedures', plural: true };
export const CALL: Feature = { name: 'CALL', plural: false };
export const TRIGGERS: Feature = { name: 'triggers', plural: true };
export const CREATE_EXTENSION: Feature = { name: 'CREATE EXTENSION', plural: false };
export const EXTENSION_OBJECTS: Feature = { name: `objects of the trusted extensions (schema ${EXTENSION_SCHEMA})`, plural: true };

/** The strict policy's refusal of a statement that uses `feature`; `trustedRule` when trusted would refuse it too. */
export function trustedOnlyRefusal(feature: Feature, trustedRule?: string): string {
  const head = `${feature.name} ${feature.plural ? 'are' : 'is'} not allowed under the strict policy`;
  if (trustedRule) return `${head}, and the trusted policy would refuse this one: ${trustedRule}`;
  return `${head} (the trusted policy allows ${feature.plural ? 'them' : 'it'})`;
}
