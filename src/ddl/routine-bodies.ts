import type { Node } from '@pgsql/types';
import { isFields, parseSql, snippet, type StatementNode, toStatement } from './parse-tree.js';
import { inner, MAX_NESTING, type TrustedScope } from './scope.js';
import { statementKeywords } from './statement-kind.js';

const describe = (statement: StatementNode) => (statement.text ? snippet(statement.text) : statementKeywords(statement.kind));

/**
 * The first rule that the statements of a body (a routine's, a DO block's, an EXECUTEd string's)
 * break, prefixed with where they are. They are checked one level deeper; past MAX_NESTING the
 * body is left to PostgreSQL, which confines it to the tenant's role like any other.
 */
export function checkNested(statements: StatementNode[], scope: TrustedScope, where: string): string | undefined {
  if (scope.depth >= MAX_NESTING) return undefined;
  const nested = inner(scope);
  for (const statement of statements) {
    const broken = scope.check(statement, nested);
    if (broken) return `${where}, ${describe(statement)}: ${broken}`;
  }
  return undefined;
}

/** SQL text that a body holds or a constant EXECUTEs: parsed, then checked as nested statements. Text that does not parse is PostgreSQL's to refuse. */
export function checkSqlText(sql: string, scope: TrustedScope, where: string): string | undefined {
  let statements: StatementNode[];
  try {
    statements = parseSql(sql);
  } catch {
    return undefined;
  }
  return checkNested(statements, scope, where);
}

/** A SQL-standard body: `BEGIN ATOMIC stmt; ... END` (lists of statements) or `RETURN expr`. */
export function checkSqlBody(body: Node, scope: TrustedScope, where: string): string | undefined {
  const statements: StatementNode[] = [];
  const collect = (node: Node) => {
    if ('List' in node) for (const item of node.List.items ?? []) collect(item);
    else if (isFields(node)) statements.push(toStatement(node));
  };
  collect(body);
  return checkNested(statements, scope, where);
}
