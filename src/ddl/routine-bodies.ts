import type { Node } from '@pgsql/types';
import { isFields, parseSql, snippet, type StatementNode, toStatement } from './parse-tree.js';
import { inner, MAX_NESTING, type Scope } from './scope.js';
import { statementKeywords } from './statement-kind.js';

const describe = (statement: StatementNode) => (statement.text ? snippet(statement.text) : statementKeywords(statement.kind));

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Refuses nesting past MAX_NESTING: bodies within bodies within bodies are not worth checking. */
export function tooDeep(scope: Scope, where: string): string | undefined {
  return scope.depth >= MAX_NESTING ? `${where}: routines, DO blocks and EXECUTEd strings nest more than ${MAX_NESTING} deep` : undefined;
}

/**
 * The first rule that the statements of a body (a routine's, a DO block's, an EXECUTEd
 * string's) break, prefixed with where they are. They are checked one level deeper.
 */
export function checkNested(statements: StatementNode[], scope: Scope, where: string): string | undefined {
  const deep = tooDeep(scope, where);
  if (deep) return deep;
  const nested = inner(scope);
  for (const statement of statements) {
    const broken = scope.check(statement, nested);
    if (broken) return `${where}, ${describe(statement)}: ${broken}`;
  }
  return undefined;
}

/** SQL text that a body holds or a constant EXECUTEs: parsed, then checked as nested statements. */
export function checkSqlText(sql: string, scope: Scope, where: string): string | undefined {
  let statements: StatementNode[];
  try {
    statements = parseSql(sql);
  } catch (error) {
    return `${where}: it does not parse (${errorMessage(error)}), so it cannot be checked`;
  }
  return checkNested(statements, scope, where);
}

/** A SQL-standard body: `BEGIN ATOMIC stmt; ... END` (lists of statements) or `RETURN expr`. */
export function checkSqlBody(body: Node, scope: Scope, where: string): string | undefined {
  const statements: StatementNode[] = [];
  const collect = (node: Node) => {
    if ('List' in node) for (const item of node.List.items ?? []) collect(item);
    else if (isFields(node)) statements.push(toStatement(node));
  };
  collect(body);
  return checkNested(statements, scope, where);
}
