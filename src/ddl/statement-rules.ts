/*
 * The strict policy: the rule of each statement kind, then the name rules. Kinds and objects that
 * only the trusted policy allows tell the scope so; the caller turns that into the refusal.
 */
import type { AlterTableCmd, ObjectType } from '@pgsql/types';
import { checkNames } from './name-rules.js';
import type { NodeKind, NodeOf } from './parse-ddl.js';
import type { StatementNode } from './parse-tree.js';
import { CALL, CREATE_EXTENSION, DO_BLOCKS, type Feature, ROUTINES, TRIGGERS } from './policy.js';
import type { StrictScope } from './scope.js';
import { changesRole, ROLE_CHANGE } from './trusted-rules.js';

type Rule<K extends NodeKind> = (node: NodeOf<K>, scope: StrictScope, text: string | undefined) => string | undefined;
type Rules = { [K in NodeKind]?: Rule<K> };

const ALTER_TABLE_OBJECTS = new Set<ObjectType>(['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_TYPE']);
const RENAMEABLE = new Set<ObjectType>([...ALTER_TABLE_OBJECTS, 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_ATTRIBUTE', 'OBJECT_DOMAIN', 'OBJECT_DOMCONSTRAINT']);
const DROPPABLE = new Set<ObjectType>(['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_TYPE', 'OBJECT_DOMAIN']);
const COMMENTABLE = new Set<ObjectType>([...DROPPABLE, 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT']);
const ROUTINE_OBJECTS = new Set<ObjectType>(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE']);

/** ALTER TABLE subcommands that reach beyond the table's own shape. */
const REFUSED_ALTER_TABLE: Record<string, string> = {
  AT_ChangeOwner: 'changing an owner is not allowed',
  AT_SetTableSpace: 'tablespaces are not allowed',
  AT_SetAccessMethod: 'changing the access method is not allowed',
  AT_GenericOptions: 'foreign-data options are not allowed',
};
const TRIGGER_SWITCHES = new Set(['AT_EnableTrig', 'AT_DisableTrig', 'AT_EnableTrigUser', 'AT_DisableTrigUser']);

const kindOf = (objtype: ObjectType | undefined) => String(objtype ?? '').replace(/^OBJECT_/, '').toLowerCase();

/** Functions, procedures and triggers are objects only the trusted policy handles; false for any other type. */
function trustedObject(objtype: ObjectType | undefined, scope: StrictScope): boolean {
  if (objtype && ROUTINE_OBJECTS.has(objtype)) scope.trustedOnly(ROUTINES);
  else if (objtype === 'OBJECT_TRIGGER') scope.trustedOnly(TRIGGERS);
  else return false;
  return true;
}

/** CONCURRENTLY builds outside a transaction: only in a definition with transactional: false, which strict definitions never are. */
function concurrently(what: string, instead: string): string {
  return `${what} cannot run inside the atomic apply (each version is one transaction); ${instead}, or a definition with transactional: false (trusted policy only)`;
}

/** A kind only the trusted policy allows: noted, and refused by the caller naming it. */
const trustedOnly = (feature: Feature) => (_node: unknown, scope: StrictScope) => {
  scope.trustedOnly(feature);
  return undefined;
};

function alterTableCmd(cmd: AlterTableCmd, scope: StrictScope): string | undefined {
  const subtype = cmd.subtype ?? '';
  if (Object.hasOwn(REFUSED_ALTER_TABLE, subtype)) return REFUSED_ALTER_TABLE[subtype];
  if (TRIGGER_SWITCHES.has(subtype)) {
    scope.trustedOnly(TRIGGERS);
    return undefined;
  }
  if (/^AT_(Enable|Disable)TrigAll$/.test(subtype)) {
    return 'ENABLE/DISABLE TRIGGER ALL is not allowed: it also switches the system triggers that enforce foreign keys (name the trigger, or use USER)';
  }
  if (/^AT_Enable(Always|Replica)Trig$/.test(subtype)) return 'ENABLE ALWAYS/REPLICA TRIGGER is not allowed: replication is not the tenant\'s';
  if (/^AT_(Enable|Disable).*Rule$/.test(subtype)) return 'enabling or disabling rules is not allowed';
  return undefined;
}

/** The statements a tenant may run, each with its own extra rule; names are checked for all. */
const RULES: Rules = {
  CreateStmt: (node) =>
    node.accessMethod && node.accessMethod !== 'heap' ? `table access method '${node.accessMethod}' is not allowed` : undefined,
  AlterTableStmt: (node, scope) => {
    if (!node.objtype || !ALTER_TABLE_OBJECTS.has(node.objtype)) return `ALTER of a ${kindOf(node.objtype)} is not allowed`;
    for (const cmd of node.cmds ?? []) {
      const broken = 'AlterTableCmd' in cmd ? alterTableCmd(cmd.AlterTableCmd, scope) : undefined;
      if (broken) return broken;
    }
    return undefined;
  },
  RenameStmt: (node, scope) =>
    (node.renameType && RENAMEABLE.has(node.renameType)) || trustedObject(node.renameType, scope)
      ? undefined
      : `renaming a ${kindOf(node.renameType)} is not allowed`,
  IndexStmt: (node) => (node.concurrent ? concurrently('CREATE INDEX CONCURRENTLY', 'use CREATE INDEX') : undefined),
  DropStmt: (node, scope) => {
    if (node.removeType === 'OBJECT_EXTENSION') return `extensions are shared by every tenant and managed by the service: DROP EXTENSION is not allowed`;
    if (!(node.removeType && DROPPABLE.has(node.removeType)) && !trustedObject(node.removeType, scope)) {
      return `dropping a ${kindOf(node.removeType)} is not allowed`;
    }
    return node.concurrent ? concurrently('DROP INDEX CONCURRENTLY', 'use DROP INDEX') : undefined;
  },
  ReindexStmt: (node) => {
    const params = (node.params ?? []).flatMap((p) => ('DefElem' in p ? [p.DefElem.defname] : []));
    const concurrent = params.includes('concurrently');
    if (!concurrent || (node.kind !== 'REINDEX_OBJECT_INDEX' && node.kind !== 'REINDEX_OBJECT_TABLE') || params.some((p) => p !== 'concurrently')) {
      return 'REINDEX is allowed only as REINDEX INDEX|TABLE CONCURRENTLY of the tenant\'s own, in a definition with transactional: false (trusted policy only)';
    }
    return concurrently('REINDEX CONCURRENTLY', 'drop and create the index');
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
  CommentStmt: (node, scope) =>
    (node.objtype && COMMENTABLE.has(node.objtype)) || trustedObject(node.objtype, scope)
      ? undefined
      : `comments on a ${kindOf(node.objtype)} are not allowed`,
  InsertStmt: () => undefined,
  UpdateStmt: () => undefined,
  DeleteStmt: () => undefined,
  SelectStmt: () => 'a plain SELECT is not allowed: use SELECT inside INSERT, UPDATE or DELETE',
  ReturnStmt: () => 'RETURN belongs in a function body',
  DoStmt: trustedOnly(DO_BLOCKS),
  CreateFunctionStmt: trustedOnly(ROUTINES),
  AlterFunctionStmt: trustedOnly(ROUTINES),
  CallStmt: trustedOnly(CALL),
  CreateTrigStmt: trustedOnly(TRIGGERS),
  CreateExtensionStmt: trustedOnly(CREATE_EXTENSION),
};

/** Why a kind is refused, for the kinds people try most; anything else is simply not on the list. */
const REFUSED: [RegExp, string][] = [
  [/^(VariableSetStmt|VariableShowStmt|AlterSystemStmt|AlterDatabaseSetStmt|AlterRoleSetStmt|DiscardStmt)$/, 'SET, RESET, SHOW and configuration changes are not allowed'],
  [/^(CreateCastStmt|CreateTransformStmt|CreatePLangStmt)$/, 'casts, transforms and procedural languages are not allowed'],
  [/^(CreateEventTrigStmt|AlterEventTrigStmt)$/, 'event triggers are not allowed: they act on the whole database'],
  [/^RuleStmt$/, 'rules are not allowed'],
  [/^CopyStmt$/, 'COPY is not allowed'],
  [/^(CreateRoleStmt|AlterRoleStmt|DropRoleStmt|GrantStmt|GrantRoleStmt|AlterDefaultPrivilegesStmt|ReassignOwnedStmt|DropOwnedStmt|AlterOwnerStmt|CreatePolicyStmt|AlterPolicyStmt)$/, 'roles, grants, owners and privileges are not allowed'],
  [/^(AlterExtensionStmt|AlterExtensionContentsStmt|AlterObjectDependsStmt)$/, `extensions are managed by the service: ALTER EXTENSION and DEPENDS ON EXTENSION are not allowed`],
  [/^(CreateSchemaStmt|AlterObjectSchemaStmt)$/, "schema DDL is not allowed: the tenant's schema is managed by the service"],
  [/^(CreateTableSpaceStmt|DropTableSpaceStmt|AlterTableSpaceOptionsStmt|AlterTableMoveAllStmt)$/, 'tablespaces are not allowed'],
  [/^LoadStmt$/, 'LOAD is not allowed'],
];

function refusal(statement: StatementNode, scope: StrictScope): string {
  if (statement.kind === 'TransactionStmt') {
    return scope.options.transactional
      ? 'transaction control is not allowed: each version already runs in one transaction'
      : "transaction control is not allowed: the service controls each version's transactions";
  }
  if (statement.kind === 'VariableSetStmt' && changesRole(statement.node)) return ROLE_CHANGE;
  return REFUSED.find(([pattern]) => pattern.test(statement.kind))?.[1] ?? 'this kind of statement is not on the allow-list';
}

/** RULES looked up by a statement's kind: the table pairs each kind with its node, which TypeScript cannot follow through a union. */
type AnyRule = (node: StatementNode['node'], scope: StrictScope, text: string | undefined) => string | undefined;

/** The first rule a statement breaks: its kind's, then the name rules; undefined if it is allowed. */
export function statementRule(statement: StatementNode, scope: StrictScope): string | undefined {
  const rule = RULES[statement.kind] as AnyRule | undefined;
  if (!rule) return refusal(statement, scope);
  return rule(statement.node, scope, statement.text) ?? checkNames(statement, scope.names);
}
