import type {
  AlterTableCmd,
  AlterTableStmt,
  ColumnDef,
  ConstrType,
  Constraint,
  CreateStmt,
  DropStmt,
  IndexStmt,
  RangeVar,
  RenameStmt,
  TypeName,
} from '@pgsql/types';
import { catalogReadsOfAllTenants } from './lint-catalog.js';
import { isSerial, lintColumnType, lintKeyType, typeLabel } from './lint-column-types.js';
import { RULES, type LintRuleId, type LintRuleInfo, type Warn } from './lint-rules.js';
import type { ParsedStatement } from './parse-ddl.js';
import { columnConstraints, columnDefOf, constraintOf, isNullConstant, lastName, stringsOf, unwrap } from './parse-tree.js';

/*
 * Static lint of a definition (docs/contract.md §9 `warnings`): statements that are legal but risky on a
 * live table. Computed from the parse tree alone; a warning never refuses a definition.
 */

export interface LintWarning {
  rule: string;
  /** 1-based ordinal of the statement in the definition. */
  statement: number;
  message: string;
}

export type { LintRuleId, LintRuleInfo };
export const LINT_RULES: Record<string, LintRuleInfo> = RULES;

/** Column types by name, as far as this version's own statements tell them. */
type Columns = Map<string, TypeName | undefined>;

interface Scope {
  /**
   * Tables the version created so far, by name without schema (definitions only touch the tenant's
   * schema). Their rows do not exist yet, so locks and scans on them cost nothing.
   */
  created: Map<string, Columns>;
  warn: Warn;
}

/** Warnings in statement order, and within a statement in the order of its clauses. */
export function lintDefinition(statements: readonly ParsedStatement[]): LintWarning[] {
  const warnings: LintWarning[] = [];
  const created = new Map<string, Columns>();
  for (const statement of statements) {
    const warn = (rule: LintRuleId, message: string) => warnings.push({ rule, statement: statement.ordinal, message });
    lintStatement(statement, { created, warn });
    for (const catalog of catalogReadsOfAllTenants(statement)) {
      const plain = catalog.replace(/^pg_catalog\./, '');
      warn(
        'catalog-read-all-tenants',
        `${catalog} is read without restricting it to the current schema: it holds every tenant's objects, so a guard on it sees other tenants' and skips its DDL; read ${plain} unqualified (an apply shows each tenant only its own objects) or restrict it to current_schema().`,
      );
    }
  }
  return warnings;
}

function lintStatement(statement: ParsedStatement, scope: Scope): void {
  switch (statement.kind) {
    case 'CreateStmt':
      return lintCreateTable(statement.node, scope);
    case 'CreateTableAsStmt':
      return created(statement.node.into?.rel, scope);
    case 'SelectStmt': // SELECT ... INTO creates a table too
      return created(statement.node.intoClause?.rel, scope);
    case 'AlterTableStmt':
      return lintAlterTable(statement.node, scope);
    case 'RenameStmt':
      return lintRename(statement.node, scope);
    case 'DropStmt':
      return lintDrop(statement.node, scope);
    case 'IndexStmt':
      return lintIndex(statement.node, scope);
  }
}

/** A table whose columns the version does not spell out (CREATE TABLE AS). */
function created(relation: RangeVar | undefined, scope: Scope): void {
  if (relation?.relname !== undefined) scope.created.set(relation.relname, new Map());
}

function lintCreateTable(stmt: CreateStmt, scope: Scope): void {
  const table = stmt.relation?.relname;
  if (table === undefined) return;
  const columns: Columns = new Map();
  scope.created.set(table, columns);
  const elements = [...(stmt.tableElts ?? []), ...(stmt.constraints ?? [])];
  for (const column of elements.map(columnDefOf)) {
    if (column?.colname === undefined) continue;
    columns.set(column.colname, column.typeName);
    lintColumnTypes(table, column.colname, column, scope);
  }
  // A table PRIMARY KEY may name columns listed after it, hence the second pass.
  for (const constraint of elements.map(constraintOf)) {
    if (constraint?.contype === 'CONSTR_PRIMARY') lintPrimaryKeyType(table, constraint, columns, scope);
  }
}

function lintAlterTable(stmt: AlterTableStmt, scope: Scope): void {
  const table = stmt.relation?.relname;
  // ALTER INDEX / VIEW / SEQUENCE parse as AlterTableStmt too; only tables hold rows we would lock.
  if (table === undefined || (stmt.objtype !== undefined && stmt.objtype !== 'OBJECT_TABLE')) return;
  for (const node of stmt.cmds ?? []) {
    const cmd = unwrap(node, 'AlterTableCmd');
    if (cmd) lintAlterTableCmd(table, cmd, scope);
  }
}

function lintAlterTableCmd(table: string, cmd: AlterTableCmd, scope: Scope): void {
  const columns = scope.created.get(table); // undefined: the table existed before this version
  const column = cmd.name ?? '?';
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = columnDefOf(cmd.def);
      if (def?.colname === undefined) return;
      columns?.set(def.colname, def.typeName);
      lintColumnTypes(table, def.colname, def, scope);
      if (!columns) lintColumnAddedToExisting(table, def.colname, def, scope);
      return;
    }
    case 'AT_AlterColumnType': {
      const typeName = columnDefOf(cmd.def)?.typeName;
      if (columns) columns.set(column, typeName);
      else
        scope.warn(
          'column-type-change',
          `ALTER COLUMN ${table}.${column} TYPE ${typeLabel(typeName)} can rewrite the table and its indexes under an ACCESS EXCLUSIVE lock; add a new column, backfill it in batches, and switch over instead.`,
        );
      lintColumnType(table, column, typeName, scope.warn);
      return;
    }
    case 'AT_SetNotNull':
      if (!columns) warnSetNotNull(table, column, scope);
      return;
    case 'AT_AddConstraint': {
      const constraint = constraintOf(cmd.def);
      if (!constraint) return;
      if (columns) return lintPrimaryKeyType(table, constraint, columns, scope);
      return lintConstraintAddedToExisting(table, constraint, scope);
    }
    case 'AT_DropColumn':
      if (columns) columns.delete(column);
      else
        scope.warn(
          'drop-column',
          `DROP COLUMN ${table}.${column} breaks code that still reads or writes it and loses its data; stop using the column in code first, then drop it in a later version.`,
        );
      return;
  }
}

/** ADD COLUMN on a table that may already hold rows. */
function lintColumnAddedToExisting(table: string, column: string, def: ColumnDef, scope: Scope): void {
  const constraints = columnConstraints(def);
  const kinds = new Set(constraints.map((c) => c.contype));
  const notNull = def.is_not_null === true || kinds.has('CONSTR_NOTNULL') || kinds.has('CONSTR_PRIMARY');
  if (notNull && !fillsItself(def, constraints)) {
    scope.warn(
      'add-column-not-null-without-default',
      `ADD COLUMN ${table}.${column} is NOT NULL without a default, so it fails once ${table} has rows; add it nullable or with a default, backfill it, then set NOT NULL.`,
    );
  }
  for (const constraint of constraints) {
    const what = constraintLabel(constraint);
    if (validatesRows(constraint)) {
      scope.warn(
        'constraint-without-not-valid',
        `ADD COLUMN ${table}.${column} with an inline ${what} checks every row of ${table} while blocking writes; add the column first, then ADD CONSTRAINT ... NOT VALID and VALIDATE CONSTRAINT in a later version.`,
      );
    } else if (buildsIndex(constraint)) {
      scope.warn(
        'add-unique-constraint',
        `ADD COLUMN ${table}.${column} with an inline ${what} builds an index on ${table} while blocking reads and writes; add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX.`,
      );
    }
  }
}

/** ALTER TABLE ... ADD CONSTRAINT on a table that may already hold rows. */
function lintConstraintAddedToExisting(table: string, constraint: Constraint, scope: Scope): void {
  const what = constraintLabel(constraint);
  if (validatesRows(constraint)) {
    scope.warn(
      'constraint-without-not-valid',
      `ADD ${what} on ${table} without NOT VALID checks every row while blocking writes; add it NOT VALID, then VALIDATE CONSTRAINT in a later version.`,
    );
  } else if (buildsIndex(constraint) && constraint.indexname === undefined) {
    const safe =
      constraint.contype === 'CONSTR_EXCLUSION'
        ? 'it has no concurrent form, so schedule it for a quiet window'
        : 'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX';
    scope.warn('add-unique-constraint', `ADD ${what} on ${table} builds its index while blocking reads and writes; ${safe}.`);
  } else if (constraint.contype === 'CONSTR_NOTNULL' && constraint.skip_validation !== true) {
    for (const column of stringsOf(constraint.keys)) warnSetNotNull(table, column, scope);
  }
}

function warnSetNotNull(table: string, column: string, scope: Scope): void {
  scope.warn(
    'set-not-null',
    `SET NOT NULL on ${table}.${column} scans every row under an ACCESS EXCLUSIVE lock unless a validated CHECK (${column} IS NOT NULL) exists; add that CHECK NOT VALID, validate it in a later version, then SET NOT NULL.`,
  );
}

function lintRename(stmt: RenameStmt, scope: Scope): void {
  const table = stmt.relation?.relname;
  if (table === undefined) return;
  const columns = scope.created.get(table);
  const to = stmt.newname ?? '?';
  if (stmt.renameType === 'OBJECT_TABLE') {
    if (columns) {
      scope.created.delete(table);
      scope.created.set(to, columns);
    } else {
      scope.warn(
        'rename-table',
        `Renaming table ${table} to ${to} breaks code that still uses the old name; move code to the new name first (e.g. behind a view named ${table}), and drop the view later.`,
      );
    }
  } else if (stmt.renameType === 'OBJECT_COLUMN' && stmt.relationType === 'OBJECT_TABLE') {
    const from = stmt.subname ?? '?';
    if (columns) {
      columns.set(to, columns.get(from));
      columns.delete(from);
    } else {
      scope.warn(
        'rename-column',
        `Renaming column ${table}.${from} to ${to} breaks code that still uses the old name; add ${to}, backfill it, move code over, and drop ${from} in a later version.`,
      );
    }
  }
}

function lintDrop(stmt: DropStmt, scope: Scope): void {
  if (stmt.removeType !== 'OBJECT_TABLE') return;
  for (const object of stmt.objects ?? []) {
    const table = lastName(unwrap(object, 'List')?.items);
    if (table === undefined || scope.created.delete(table)) continue;
    scope.warn(
      'drop-table',
      `DROP TABLE ${table} breaks code that still uses it and loses its data; stop using the table in code first, then drop it in a later version.`,
    );
  }
}

function lintIndex(stmt: IndexStmt, scope: Scope): void {
  const table = stmt.relation?.relname;
  if (table === undefined || stmt.concurrent === true || scope.created.has(table)) return;
  const index = [stmt.unique === true ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX', stmt.idxname].filter(Boolean).join(' ');
  scope.warn(
    'index-without-concurrently',
    `${index} on ${table} without CONCURRENTLY blocks writes to ${table} while it builds; use CREATE INDEX CONCURRENTLY in a definition with transactional: false.`,
  );
}

/** The column's own type rules, plus int-primary-key when the column is declared PRIMARY KEY inline. */
function lintColumnTypes(table: string, column: string, def: ColumnDef, scope: Scope): void {
  if (columnConstraints(def).some((c) => c.contype === 'CONSTR_PRIMARY')) lintKeyType(table, column, def.typeName, scope.warn);
  lintColumnType(table, column, def.typeName, scope.warn);
}

/** A single-column PRIMARY KEY whose column type the version spelled out. */
function lintPrimaryKeyType(table: string, constraint: Constraint, columns: Columns, scope: Scope): void {
  const keys = stringsOf(constraint.keys);
  // Members of a composite key (a line number, say) are not surrogate keys that run out.
  if (constraint.contype === 'CONSTR_PRIMARY' && keys.length === 1) lintKeyType(table, keys[0], columns.get(keys[0]), scope.warn);
}

/** NOT NULL is harmless on a new column that gets a value on every existing row. */
function fillsItself(def: ColumnDef, constraints: Constraint[]): boolean {
  if (isSerial(def.typeName)) return true;
  return constraints.some(
    (c) =>
      c.contype === 'CONSTR_IDENTITY' ||
      c.contype === 'CONSTR_GENERATED' ||
      (c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr)),
  );
}

/** FOREIGN KEY and CHECK constraints validate existing rows unless added NOT VALID. */
function validatesRows(constraint: Constraint): boolean {
  return VALIDATED.has(constraint.contype) && constraint.skip_validation !== true;
}

function buildsIndex(constraint: Constraint): boolean {
  return INDEXED.has(constraint.contype);
}

const VALIDATED = new Set<ConstrType | undefined>(['CONSTR_FOREIGN', 'CONSTR_CHECK']);
const INDEXED = new Set<ConstrType | undefined>(['CONSTR_UNIQUE', 'CONSTR_PRIMARY', 'CONSTR_EXCLUSION']);

const CONSTRAINT_LABELS: Partial<Record<ConstrType, string>> = {
  CONSTR_FOREIGN: 'FOREIGN KEY',
  CONSTR_CHECK: 'CHECK',
  CONSTR_UNIQUE: 'UNIQUE',
  CONSTR_PRIMARY: 'PRIMARY KEY',
  CONSTR_EXCLUSION: 'EXCLUDE',
};

/** "CONSTRAINT orders_customer_fk FOREIGN KEY", or just "FOREIGN KEY" when unnamed. */
function constraintLabel(constraint: Constraint): string {
  const kind = (constraint.contype && CONSTRAINT_LABELS[constraint.contype]) ?? 'constraint';
  return constraint.conname === undefined ? kind : `CONSTRAINT ${constraint.conname} ${kind}`;
}
