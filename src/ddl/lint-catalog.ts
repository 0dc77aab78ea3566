import type { ParsedStatement } from './parse-ddl.js';
import { type Fields, isFields, nameParts, type StatementNode } from './parse-tree.js';
import { DEFAULT_ALLOW_OPTIONS } from './policy.js';
import type { TrustedScope } from './scope.js';
import { trustedRule } from './trusted-rules.js';

/**
 * The catalogs a trusted apply shows each tenant as if alone (the views of bss_catalog,
 * db/catalog/bss_catalog.sql): read unqualified, they hold only the tenant's own objects.
 */
export const TENANT_CATALOGS: readonly string[] = [
  'pg_namespace', 'pg_class', 'pg_type', 'pg_proc', 'pg_constraint', 'pg_operator', 'pg_opclass', 'pg_opfamily', 'pg_collation',
  'pg_conversion', 'pg_extension', 'pg_statistic_ext', 'pg_ts_config', 'pg_ts_dict', 'pg_attribute', 'pg_attrdef', 'pg_index',
  'pg_trigger', 'pg_rewrite', 'pg_policy', 'pg_inherits', 'pg_sequence', 'pg_partitioned_table', 'pg_enum', 'pg_range',
  'pg_tables', 'pg_views', 'pg_matviews', 'pg_indexes', 'pg_sequences', 'pg_policies',
  'pg_stat_all_tables', 'pg_stat_user_tables', 'pg_stat_all_indexes', 'pg_stat_user_indexes',
];
const CATALOGS = new Set(TENANT_CATALOGS);

/** Functions and casts whose presence says a query picks the tenant's own objects (by the current schema or by name lookup). */
const SCOPING_FUNCTIONS = new Set(['current_schema', 'current_schemas', 'pg_my_temp_schema', 'to_regclass', 'to_regnamespace', 'to_regtype', 'to_regproc', 'to_regprocedure']);
const SCOPING_CASTS = new Set(['regclass', 'regnamespace', 'regtype', 'regproc', 'regprocedure']);

/**
 * The catalogs that a statement (and every statement in its DO blocks, routine bodies and
 * constant EXECUTEs) reads as `pg_catalog.<catalog>` without restricting itself to the current
 * schema. Those reads see every tenant's objects.
 */
export function catalogReadsOfAllTenants(statement: ParsedStatement): string[] {
  const found = new Set<string>();
  const visit = (nested: StatementNode) => {
    const read = qualifiedCatalogs(nested.node);
    if (read.length > 0 && !scoped(nested.node)) for (const name of read) found.add(name);
  };
  const scope: TrustedScope = {
    options: { ...DEFAULT_ALLOW_OPTIONS, policy: 'trusted' },
    depth: 0,
    // Every nested statement is visited, whatever the policy's rules would say of it.
    check: (nested, inner) => {
      visit(nested);
      trustedRule(nested, inner);
      return undefined;
    },
  };
  visit(statement);
  trustedRule(statement, scope);
  return [...found];
}

function qualifiedCatalogs(node: unknown, into: string[] = []): string[] {
  walk(node, (fields) => {
    if (typeof fields.relname === 'string' && fields.schemaname === 'pg_catalog' && CATALOGS.has(fields.relname)) into.push(`pg_catalog.${fields.relname}`);
  });
  return into;
}

function scoped(node: unknown): boolean {
  let found = false;
  walk(node, (fields) => {
    if (fields.op === 'SVFOP_CURRENT_SCHEMA' || fields.op === 'SVFOP_CURRENT_SCHEMAS') found = true;
    const name = Array.isArray(fields.funcname) ? nameParts(fields.funcname)?.at(-1) : undefined;
    if (name && SCOPING_FUNCTIONS.has(name)) found = true;
    const cast = isFields(fields.typeName) && 'arg' in fields ? nameParts((fields.typeName).names)?.at(-1) : undefined;
    if (cast && SCOPING_CASTS.has(cast)) found = true;
  });
  return found;
}

function walk(value: unknown, visit: (fields: Fields) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
    return;
  }
  if (!isFields(value)) return;
  visit(value);
  for (const child of Object.values(value)) if (child !== null && typeof child === 'object') walk(child, visit);
}
