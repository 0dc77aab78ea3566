import type { ColumnDef, Constraint, Node } from '@pgsql/types';
import type { NodeKind, NodeOf } from './parse-ddl.js';

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
