import type { ColumnDef, Constraint, Node } from '@pgsql/types';

/*
 * Narrowing helpers for libpg-query parse trees. A `Node` is a one-key wrapper such as
 * `{ ColumnDef: {...} }`; these unwrap the kinds the lint needs and ignore anything else.
 */

export function columnDefOf(node: Node | undefined): ColumnDef | undefined {
  return node !== undefined && 'ColumnDef' in node ? node.ColumnDef : undefined;
}

export function constraintOf(node: Node | undefined): Constraint | undefined {
  return node !== undefined && 'Constraint' in node ? node.Constraint : undefined;
}

/** The column's inline constraints (NOT NULL, DEFAULT, REFERENCES, ...). */
export function columnConstraints(def: ColumnDef): Constraint[] {
  return (def.constraints ?? []).flatMap((node) => constraintOf(node) ?? []);
}

export function isNullConstant(node: Node | undefined): boolean {
  return node !== undefined && 'A_Const' in node && node.A_Const.isnull === true;
}

/** The plain strings of a name list such as `[schema, table]`. */
export function stringsOf(nodes: Node[] | undefined): string[] {
  return (nodes ?? []).flatMap((node) => ('String' in node && node.String.sval !== undefined ? [node.String.sval] : []));
}
