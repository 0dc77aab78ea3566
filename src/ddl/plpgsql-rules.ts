/*
 * PL/pgSQL bodies of trusted definitions, parsed with libpg-query's PL/pgSQL parser: every SQL
 * statement and expression embedded in them is checked as a nested statement, and EXECUTE of a
 * string constant as the SQL it runs. EXECUTE of a string built at run time cannot be seen here,
 * nor a body this parser cannot read: the tenant role's privileges confine both at apply time,
 * and the gate checks at commit what they left behind.
 */
import { parsePlPgSQLSync, scanSync } from 'libpg-query';
import { constantString, type Fields, isFields, parseSql, snippet, type StatementNode } from './parse-tree.js';
import { checkSqlText } from './routine-bodies.js';
import { inner, MAX_NESTING, type TrustedScope } from './scope.js';

/** PostgreSQL's RawParseMode, which says how an embedded expression's text is to be parsed. */
const RAW_PARSE_DEFAULT = 0;
const RAW_PARSE_TYPE_NAME = 1;
const RAW_PARSE_PLPGSQL_EXPR = 2;

/** Statements that EXECUTE a string, and the field that holds the string's expression. */
const DYNAMIC: Record<string, string> = {
  PLpgSQL_stmt_dynexecute: 'query',
  PLpgSQL_stmt_dynfors: 'query',
  PLpgSQL_stmt_open: 'dynquery',
  PLpgSQL_stmt_return_query: 'dynquery',
};

/** The first rule that a PL/pgSQL DO block or routine (its whole statement text) breaks. */
export function checkPlpgsql(text: string, scope: TrustedScope, where: string): string | undefined {
  if (scope.depth >= MAX_NESTING) return undefined;
  let parsed: unknown;
  try {
    // Without a catalog the parser takes `x%ROWTYPE` for a scalar and then refuses `x.f := ...`;
    // a plain `x` is taken for a row, as PostgreSQL would.
    parsed = parsePlPgSQLSync(text.replace(/%\s*rowtype\b/gi, ''));
  } catch {
    return undefined;
  }
  const functions = isFields(parsed) && Array.isArray(parsed.plpgsql_funcs) ? parsed.plpgsql_funcs : [];
  if (functions.length !== 1) return undefined;
  return new PlpgsqlWalk(inner(scope), where).walk(functions[0]);
}

class PlpgsqlWalk {
  constructor(
    private readonly scope: TrustedScope,
    private readonly where: string,
  ) {}

  walk(value: unknown): string | undefined {
    if (Array.isArray(value)) {
      for (const item of value) {
        const broken = this.walk(item);
        if (broken) return broken;
      }
      return undefined;
    }
    if (!isFields(value)) return undefined;
    for (const [key, child] of Object.entries(value)) {
      const broken = this.node(key, child) ?? this.walk(child);
      if (broken) return broken;
    }
    return undefined;
  }

  private node(key: string, node: unknown): string | undefined {
    if (!isFields(node)) return undefined;
    if (key === 'PLpgSQL_stmt_commit' || key === 'PLpgSQL_stmt_rollback') {
      return `${this.where}, ${key === 'PLpgSQL_stmt_commit' ? 'COMMIT' : 'ROLLBACK'}: transaction control is not allowed: the service controls each version's transactions`;
    }
    if (key === 'PLpgSQL_expr') return this.expression(node);
    if (Object.hasOwn(DYNAMIC, key)) return this.dynamic(node[DYNAMIC[key]]);
    return undefined;
  }

  /** An embedded statement or expression, parsed the way PostgreSQL would, then checked as a nested statement. */
  private expression(expr: Fields): string | undefined {
    const query = typeof expr.query === 'string' ? expr.query : '';
    const mode = typeof expr.parseMode === 'number' ? expr.parseMode : RAW_PARSE_DEFAULT;
    const sql =
      mode === RAW_PARSE_DEFAULT
        ? query
        : mode === RAW_PARSE_TYPE_NAME
          ? `SELECT NULL::${query}`
          : mode === RAW_PARSE_PLPGSQL_EXPR
            ? `SELECT ${query}`
            : assignmentAsSelect(query);
    const at = `${this.where}, ${snippet(query)}`;
    let statements: StatementNode[];
    try {
      statements = parseSql(sql);
    } catch {
      return undefined; // PostgreSQL's to refuse
    }
    for (const statement of statements) {
      const broken = this.scope.check(statement, this.scope);
      if (broken) return `${at}: ${broken}`;
    }
    return undefined;
  }

  /** EXECUTE of a string constant: the SQL it runs is checked; a string built at run time is not visible here. */
  private dynamic(field: unknown): string | undefined {
    const expr = isFields(field) && isFields(field.PLpgSQL_expr) ? field.PLpgSQL_expr : undefined;
    if (typeof expr?.query !== 'string') return undefined;
    let select: StatementNode | undefined;
    try {
      [select] = parseSql(`SELECT ${expr.query}`);
    } catch {
      return undefined; // PostgreSQL's to refuse
    }
    if (select?.kind !== 'SelectStmt') return undefined;
    const [target] = select.node.targetList ?? [];
    const constant = target && 'ResTarget' in target ? constantString(target.ResTarget.val) : undefined;
    if (constant === undefined) return undefined;
    return checkSqlText(constant, this.scope, `${this.where}, in the string EXECUTEd`);
  }
}

/** `target[sub] := expr` as `SELECT target[sub], expr`: both sides are checked as expressions. */
function assignmentAsSelect(assignment: string): string {
  const bytes = Buffer.from(assignment, 'utf8');
  let depth = 0;
  for (const token of scanSync(assignment).tokens) {
    if (token.text === '(' || token.text === '[') depth += 1;
    else if (token.text === ')' || token.text === ']') depth -= 1;
    else if (depth === 0 && (token.text === ':=' || token.text === '=')) {
      return `SELECT ${bytes.subarray(0, token.start).toString('utf8')}, ${bytes.subarray(token.end).toString('utf8')}`;
    }
  }
  return `SELECT ${assignment}`;
}
