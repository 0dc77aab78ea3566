import type { ColumnDef, Constraint, DefElem, Node } from '@pgsql/types';
import { loadModule, parseSync } from 'libpg-query';
import type { NodeKind, NodeOf } from './parse-ddl.js';

// The checks parse routine bodies synchronously; parseDdl has usually loaded the parser already.
await loadModule();

/** A parse-tree object seen through no particular type, for walking whole subtrees. */
export type Fields = { readonly [key: string]: unknown };

export const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A statement as the checks see it: its node and, when known, its own text. */
export type StatementNode = { [K in NodeKind]: { kind: K; node: NodeOf<K>; text?: string } }[NodeKind];

/** `{SelectStmt: {...}}` as a statement of kind `SelectStmt`. */
export function toStatement(wrapped: Node, text?: string): StatementNode {
  const [kind] = Object.keys(wrapped) as NodeKind[];
  return { kind, node: (wrapped as Record<string, unknown>)[kind], text } as StatementNode;
}

/** Parses SQL text (a routine body, an EXECUTEd string) into statements with their texts; throws on a syntax error. */
export function parseSql(sql: string): StatementNode[] {
  if (sql.trim() === '') return [];
  const result = parseSync(sql);
  const bytes = Buffer.from(sql, 'utf8');
  return (result.stmts ?? []).flatMap((raw) => {
    if (!raw.stmt) return [];
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    return [toStatement(raw.stmt, bytes.subarray(start, end).toString('utf8').trim())];
  });
}

/** The string values of a name list (`[{String}]` or `{List: {items}}`); undefined if not all strings. */
export function nameParts(list: unknown): string[] | undefined {
  const items = Array.isArray(list) ? list : isFields(list) && isFields(list.List) ? list.List.items : undefined;
  if (!Array.isArray(items)) return undefined;
  const values = items.map(stringValue);
  return values.every((v) => v !== undefined) ? values : undefined;
}

/** `{String: {sval}}` -> sval. */
export function stringValue(node: unknown): string | undefined {
  if (!isFields(node) || !isFields(node.String)) return undefined;
  return typeof node.String.sval === 'string' ? node.String.sval : undefined;
}

/** The DefElems of an options list. */
export function defElems(options: readonly Node[] | undefined): DefElem[] {
  return (options ?? []).flatMap((option) => ('DefElem' in option ? [option.DefElem] : []));
}

/**
 * The value of a string constant expression: `'x'`, `'x'::text`, `$q$x$q$`, and `||` of those.
 * Undefined for anything computed at run time.
 */
export function constantString(node: unknown): string | undefined {
  if (!isFields(node)) return undefined;
  if (isFields(node.A_Const)) {
    const sval = node.A_Const.sval;
    return isFields(sval) && typeof sval.sval === 'string' ? sval.sval : undefined;
  }
  if (isFields(node.TypeCast)) return constantString(node.TypeCast.arg);
  const expr = node.A_Expr;
  if (isFields(expr) && expr.kind === 'AEXPR_OP' && nameParts(expr.name)?.join('.') === '||') {
    const left = constantString(expr.lexpr);
    const right = constantString(expr.rexpr);
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  return undefined;
}

/** A statement's text for a message: one line, at most 60 characters. */
export function snippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/*
 * Narrowing helpers for libpg-query parse trees. A `Node` is a one-key wrapper such as
 * `{ ColumnDef: {...} }`. The helpers take `unknown` and never throw, so the summary can walk
 * trees of any shape with them.
 */

/** The node inside a wrapper of the given kind: `unwrap({ ColumnDef: d }, 'ColumnDef')` is `d`. */
export function unwrap<K extends NodeKind>(node: unknown, kind: K): NodeOf<K> | undefined {
  if (typeof node !== 'object' || node === null || !Object.hasOwn(node, kind)) return undefined;
  // Trusted as the parser's output; callers still optional-chain what they read from it.
  return (node as Partial<Record<K, unknown>>)[kind] as NodeOf<K> | undefined;
}

export function columnDefOf(node: Node | undefined): ColumnDef | undefined {
  return unwrap(node, 'ColumnDef');
}

export function constraintOf(node: Node | undefined): Constraint | undefined {
  return unwrap(node, 'Constraint');
}

/** The column's inline constraints (NOT NULL, DEFAULT, REFERENCES, ...). */
export function columnConstraints(def: ColumnDef): Constraint[] {
  return (def.constraints ?? []).flatMap((node) => constraintOf(node) ?? []);
}

/** `NULL` as a literal, e.g. the expression of `DEFAULT NULL`. */
export function isNullConstant(node: Node | undefined): boolean {
  return unwrap(node, 'A_Const')?.isnull === true;
}

/** The plain strings of a name list such as `[schema, table]`; anything else is skipped. */
export function stringsOf(nodes: unknown): string[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((node) => {
    const value = unwrap(node, 'String')?.sval;
    return typeof value === 'string' ? [value] : [];
  });
}

/** Last element of a qualified name (`[schema, name]`), when it is a plain string. */
export function lastName(names: unknown): string | undefined {
  if (!Array.isArray(names) || names.length === 0) return undefined;
  const last = unwrap(names[names.length - 1], 'String')?.sval;
  return typeof last === 'string' ? last : undefined;
}
