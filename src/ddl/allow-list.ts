import type { ParsedStatement } from './parse-ddl.js';
import { statementKeywords } from './statement-kind.js';
import { checkNames, type NameRules } from './name-rules.js';

export const MAX_STATEMENTS = 1000;

/** A statement of a tenant's DDL that the allow-list refuses; names the statement and the rule. */
export class DdlRejectedError extends Error {
  constructor(
    readonly ordinal: number,
    readonly total: number,
    readonly kind: string,
    readonly rule: string,
  ) {
    super(`ddl statement ${ordinal} of ${total} (${statementKeywords(kind) || kind}) is not allowed: ${rule}`);
    this.name = 'DdlRejectedError';
  }
}

export class TooManyStatementsError extends Error {
  constructor(count: number) {
    super(`ddl holds ${count} statements; at most ${MAX_STATEMENTS} are allowed per version`);
    this.name = 'TooManyStatementsError';
  }
}

// Parse-tree nodes are plain JSON from libpg-query.
type Node = Record<string, any>;
type Check = (node: Node) => string | undefined;

const ALTER_TABLE_OBJECTS = new Set(['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_TYPE']);
const RENAMEABLE = new Set([...ALTER_TABLE_OBJECTS, 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_ATTRIBUTE', 'OBJECT_DOMAIN', 'OBJECT_DOMCONSTRAINT']);
const DROPPABLE = new Set(['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_TYPE', 'OBJECT_DOMAIN']);
const COMMENTABLE = new Set([...DROPPABLE, 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT']);

/** ALTER TABLE subcommands that reach beyond the table's own shape. */
const REFUSED_ALTER_TABLE: Record<string, string> = {
  AT_ChangeOwner: 'changing an owner is not allowed',
  AT_SetTableSpace: 'tablespaces are not allowed',
  AT_SetAccessMethod: 'changing the access method is not allowed',
  AT_GenericOptions: 'foreign-data options are not allowed',
};

const kindOf = (objtype: unknown) => String(objtype ?? '').replace(/^OBJECT_/, '').toLowerCase();

/** The statements a tenant may run, each with its own extra rule; names are checked for all. */
const ALLOWED: Record<string, Check> = {
  CreateStmt: (node) =>
    node.accessMethod && node.accessMethod !== 'heap' ? `table access method '${node.accessMethod}' is not allowed` : undefined,
  AlterTableStmt: (node) => {
    if (!ALTER_TABLE_OBJECTS.has(node.objtype)) return `ALTER of a ${kindOf(node.objtype)} is not allowed`;
    for (const cmd of node.cmds ?? []) {
      const subtype: string = cmd.AlterTableCmd?.subtype ?? '';
      if (Object.hasOwn(REFUSED_ALTER_TABLE, subtype)) return REFUSED_ALTER_TABLE[subtype];
      if (/^AT_(Enable|Disable).*(Trig|Rule)/.test(subtype)) return 'enabling or disabling triggers and rules is not allowed';
    }
    return undefined;
  },
  RenameStmt: (node) => (RENAMEABLE.has(node.renameType) ? undefined : `renaming a ${kindOf(node.renameType)} is not allowed`),
  IndexStmt: (node) =>
    node.concurrent
      ? 'CREATE INDEX CONCURRENTLY cannot run inside the atomic apply (each version is one transaction); use CREATE INDEX'
      : undefined,
  DropStmt: (node) => {
    if (!DROPPABLE.has(node.removeType)) return `dropping a ${kindOf(node.removeType)} is not allowed`;
    if (node.concurrent) return 'DROP INDEX CONCURRENTLY cannot run inside the atomic apply (each version is one transaction)';
    return undefined;
  },
  CreateSeqStmt: () => undefined,
  AlterSeqStmt: () => undefined,
  ViewStmt: () => undefined,
  CreateTableAsStmt: (node) =>
    node.objtype === 'OBJECT_TABLE' || node.objtype === 'OBJECT_MATVIEW' ? undefined : 'only CREATE TABLE AS and CREATE MATERIALIZED VIEW',
  RefreshMatViewStmt: () => undefined,
  CreateEnumStmt: () => undefined,
  AlterEnumStmt: () => undefined,
  CompositeTypeStmt: () => undefined,
  CreateDomainStmt: () => undefined,
  AlterDomainStmt: () => undefined,
  CommentStmt: (node) => (COMMENTABLE.has(node.objtype) ? undefined : `comments on a ${kindOf(node.objtype)} are not allowed`),
  InsertStmt: () => undefined,
  UpdateStmt: () => undefined,
  DeleteStmt: () => undefined,
};

/** Why a kind is refused, for the kinds people try most; anything else is simply not on the list. */
const REFUSED: [RegExp, string][] = [
  [/^TransactionStmt$/, 'transaction control is not allowed: each version already runs in one transaction'],
  [/^(VariableSetStmt|VariableShowStmt|AlterSystemStmt|AlterDatabaseSetStmt|AlterRoleSetStmt|DiscardStmt)$/, 'SET, RESET, SHOW and configuration changes are not allowed'],
  [/^DoStmt$/, 'DO blocks are not allowed'],
  [/^(CreateFunctionStmt|AlterFunctionStmt|CallStmt|CreateCastStmt|CreateTransformStmt|CreatePLangStmt)$/, 'functions and procedures are not allowed'],
  [/^(CreateTrigStmt|CreateEventTrigStmt|AlterEventTrigStmt|RuleStmt)$/, 'triggers and rules are not allowed'],
  [/^CopyStmt$/, 'COPY is not allowed'],
  [/^(CreateRoleStmt|AlterRoleStmt|DropRoleStmt|GrantStmt|GrantRoleStmt|AlterDefaultPrivilegesStmt|ReassignOwnedStmt|DropOwnedStmt|AlterOwnerStmt|CreatePolicyStmt|AlterPolicyStmt)$/, 'roles, grants, owners and privileges are not allowed'],
  [/^(CreateExtensionStmt|AlterExtensionStmt|AlterExtensionContentsStmt)$/, 'extensions are not allowed'],
  [/^(CreateSchemaStmt|AlterObjectSchemaStmt)$/, "schema DDL is not allowed: the tenant's schema is managed by the service"],
  [/^(CreateTableSpaceStmt|DropTableSpaceStmt|AlterTableSpaceOptionsStmt|AlterTableMoveAllStmt)$/, 'tablespaces are not allowed'],
  [/^LoadStmt$/, 'LOAD is not allowed'],
  [/^SelectStmt$/, 'a plain SELECT is not allowed: use SELECT inside INSERT, UPDATE or DELETE'],
];

/**
 * The allow-list: every statement must be of an allowed kind, pass that kind's rule, and
 * name only objects of the tenant's schema. Throws DdlRejectedError for the first that fails.
 */
export function checkAllowed(statements: ParsedStatement[], tenantSchema: string): void {
  if (statements.length > MAX_STATEMENTS) throw new TooManyStatementsError(statements.length);
  const rules: NameRules = { tenantSchema };
  for (const statement of statements) {
    const refuse = (rule: string) => new DdlRejectedError(statement.ordinal, statements.length, statement.kind, rule);
    if (!Object.hasOwn(ALLOWED, statement.kind)) {
      throw refuse(REFUSED.find(([pattern]) => pattern.test(statement.kind))?.[1] ?? 'this kind of statement is not on the allow-list');
    }
    const rule = ALLOWED[statement.kind](statement.node) ?? checkNames(statement.kind, statement.node, rules);
    if (rule) throw refuse(rule);
  }
}
