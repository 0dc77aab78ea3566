import type { NodeKind } from './parse-ddl.js';

/** SQL keywords for parse-tree kinds whose names do not spell them; keys are checked against the parser's kinds. */
const NAMED: Partial<Record<NodeKind, string>> = {
  CreateStmt: 'CREATE TABLE',
  IndexStmt: 'CREATE INDEX',
  ViewStmt: 'CREATE VIEW',
  CreateTableAsStmt: 'CREATE TABLE AS',
  CreateEnumStmt: 'CREATE TYPE AS ENUM',
  CompositeTypeStmt: 'CREATE TYPE',
  DefineStmt: 'CREATE',
  CommentStmt: 'COMMENT',
  RenameStmt: 'ALTER ... RENAME',
  DropStmt: 'DROP',
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  SelectStmt: 'SELECT',
  TransactionStmt: 'transaction control',
  VariableSetStmt: 'SET',
  VariableShowStmt: 'SHOW',
  DoStmt: 'DO',
  CopyStmt: 'COPY',
  CreateTrigStmt: 'CREATE TRIGGER',
  RuleStmt: 'CREATE RULE',
  GrantStmt: 'GRANT',
  GrantRoleStmt: 'GRANT ROLE',
  AlterObjectSchemaStmt: 'ALTER ... SET SCHEMA',
  CreateSchemaStmt: 'CREATE SCHEMA',
};

/** Abbreviations in node type names, spelled out as SQL keywords. */
const WORDS: Record<string, string> = {
  Seq: 'SEQUENCE',
  Trig: 'TRIGGER',
  Func: 'FUNCTION',
  Fdw: 'FOREIGN DATA WRAPPER',
  PLang: 'LANGUAGE',
  Am: 'ACCESS METHOD',
  Op: 'OPERATOR',
  Mat: 'MATERIALIZED',
  Ts: 'TEXT SEARCH',
};

/** `CreateFunctionStmt` -> "CREATE FUNCTION"; tolerates any string, '' when nothing is left. */
export function statementKeywords(kind: unknown): string {
  if (typeof kind !== 'string') return '';
  const named = Object.hasOwn(NAMED, kind) ? NAMED[kind as NodeKind] : undefined;
  if (named !== undefined) return named;
  const words = kind.replace(/Stmt$/, '').match(/[A-Z]+[a-z0-9]*|[a-z0-9]+/g) ?? [];
  return words.map((word) => (Object.hasOwn(WORDS, word) ? WORDS[word] : word.toUpperCase())).join(' ');
}
