import type { AlterTableCmd, ObjectType } from '@pgsql/types';
import type { NodeKind, NodeOf, ParsedStatement } from './parse-ddl.js';
import { lastName, unwrap } from './parse-tree.js';
import { statementKeywords } from './statement-kind.js';

/*
 * Builds the human summary stored in an audit record's `details` after a successful apply.
 * The DDL has already run, so this must never fail: the parse tree is walked loosely (every
 * access optional-chained) and anything unrecognised degrades to generic wording.
 */

type Statement = Pick<ParsedStatement, 'kind' | 'node'>;

/** One handler per statement kind, typed by the node it receives. */
type Handlers = { [K in NodeKind]?: (node: NodeOf<K>) => string[] };

export function summarize(version: number, statements: readonly Statement[]): string {
  const sentences = statements.flatMap((statement) => {
    try {
      return describe(statement.kind, statement.node);
    } catch {
      // Belt and braces: a surprising tree shape must not lose the audit record.
      return [generic(statement.kind)];
    }
  });
  return [`Applied schema version ${version}.`, ...sentences].join(' ');
}

/** One sentence per action; a statement may yield several (multi-command ALTER, multi-object DROP). */
function describe(kind: unknown, node: unknown): string[] {
  // ParsedStatement pairs each kind with its node type; TypeScript cannot carry that through a look-up.
  const handler = own(STATEMENTS as Record<string, (node: unknown) => string[]>, kind);
  return handler ? handler(node ?? {}) : [generic(kind)];
}

const STATEMENTS: Handlers = {
  CreateStmt: (n) => {
    const table = q(n.relation?.relname);
    const parent = unwrap(n.inhRelations?.[0], 'RangeVar')?.relname;
    if (n.partbound && parent) return [`Created table ${table} as a partition of ${q(parent)}.`];
    if (n.partspec) return [`Created partitioned table ${table}.`];
    return [`Created table ${table}.`];
  },
  CreateTableAsStmt: (n) =>
    n.objtype === 'OBJECT_MATVIEW'
      ? [`Created materialized view ${q(n.into?.rel?.relname)}.`]
      : [`Created table ${q(n.into?.rel?.relname)} from a query.`],
  AlterTableStmt: (n) => {
    const target = n.relation?.relname;
    const cmds = Array.isArray(n.cmds) ? n.cmds : [];
    return cmds.map((cmd) => alterTableCommand(unwrap(cmd, 'AlterTableCmd') ?? {}, target, n.objtype));
  },
  RenameStmt: (n) => {
    const what = objectLabel(n.renameType);
    const parent = n.relation?.relname ?? nameOf(n.object);
    // Members of a relation/domain (column, constraint, trigger...) carry their old name in subname.
    if (n.subname && parent) return [`Renamed ${what} ${q(n.subname)} to ${q(n.newname)} in ${q(parent)}.`];
    return [`Renamed ${what} ${q(parent ?? n.subname)} to ${q(n.newname)}.`];
  },
  DropStmt: (n) => {
    const what = objectLabel(n.removeType);
    const objects = Array.isArray(n.objects) ? n.objects : [];
    return objects.map((object) => withName(`Dropped ${what}`, nameOf(object)));
  },
  IndexStmt: (n) => {
    const index = n.unique ? 'unique index' : 'index';
    const table = q(n.relation?.relname);
    return [n.idxname ? `Created ${index} ${q(n.idxname)} on ${table}.` : `Created ${index} on ${table}.`];
  },
  CreateSeqStmt: (n) => [`Created sequence ${q(n.sequence?.relname)}.`],
  AlterSeqStmt: (n) => [`Altered sequence ${q(n.sequence?.relname)}.`],
  ViewStmt: (n) => [`${n.replace ? 'Created or replaced' : 'Created'} view ${q(n.view?.relname)}.`],
  RefreshMatViewStmt: (n) => [`Refreshed materialized view ${q(n.relation?.relname)}.`],
  CreateEnumStmt: (n) => [`Created enum type ${q(lastName(n.typeName))}.`],
  AlterEnumStmt: (n) => {
    const type = q(lastName(n.typeName));
    // RENAME VALUE sets oldVal; ADD VALUE only newVal.
    if (n.oldVal) return [`Renamed value ${q(n.oldVal)} to ${q(n.newVal)} in enum type ${type}.`];
    return [`Added value ${q(n.newVal)} to enum type ${type}.`];
  },
  CompositeTypeStmt: (n) => [`Created composite type ${q(n.typevar?.relname)}.`],
  CreateDomainStmt: (n) => [`Created domain ${q(lastName(n.domainname))}.`],
  CommentStmt: (n) => {
    const what = objectLabel(n.objtype);
    // Members of a table or domain read better as 'table.member' than as the bare member name.
    const items = unwrap(n.object, 'List')?.items;
    const name =
      MEMBER_OBJECTS.has(n.objtype) && Array.isArray(items) && items.length >= 2
        ? items.slice(-2).map(nameOf).join('.')
        : nameOf(n.object);
    return [withName(`Commented on ${what}`, name)];
  },
  InsertStmt: (n) => [`Inserted rows into ${q(n.relation?.relname)}.`],
  UpdateStmt: (n) => [`Updated rows in ${q(n.relation?.relname)}.`],
  DeleteStmt: (n) => [`Deleted rows from ${q(n.relation?.relname)}.`],
};

/** ALTER TABLE subcommands with their own wording; anything else is "Altered table 't'." */
const ALTER_TABLE_COMMANDS: Record<string, (column: string, table: string, cmd: AlterTableCmd) => string> = {
  AT_AddColumn: (_, t, cmd) => `Added column ${q(unwrap(cmd.def, 'ColumnDef')?.colname)} to ${t}.`,
  AT_DropColumn: (c, t) => `Dropped column ${c} from ${t}.`,
  AT_AlterColumnType: (c, t) => `Changed type of column ${c} in ${t}.`,
  AT_SetNotNull: (c, t) => `Set NOT NULL on column ${c} in ${t}.`,
  AT_DropNotNull: (c, t) => `Dropped NOT NULL on column ${c} in ${t}.`,
  // SET DEFAULT and DROP DEFAULT share a subtype; only SET carries an expression.
  AT_ColumnDefault: (c, t, cmd) =>
    cmd.def ? `Set default of column ${c} in ${t}.` : `Dropped default of column ${c} in ${t}.`,
  AT_AddConstraint: (_, t, cmd) => {
    const constraint = unwrap(cmd.def, 'Constraint') ?? {};
    if (constraint.conname) return `Added constraint ${q(constraint.conname)} to ${t}.`;
    return `Added ${own(CONSTRAINT_KINDS, constraint.contype) ?? 'constraint'} to ${t}.`;
  },
  AT_DropConstraint: (c, t) => `Dropped constraint ${c} from ${t}.`,
};

/** How an unnamed constraint is described, by contype. */
const CONSTRAINT_KINDS: Record<string, string> = {
  CONSTR_PRIMARY: 'primary key',
  CONSTR_FOREIGN: 'foreign key',
  CONSTR_CHECK: 'check constraint',
  CONSTR_UNIQUE: 'unique constraint',
  CONSTR_EXCLUSION: 'exclusion constraint',
  CONSTR_NOTNULL: 'not-null constraint',
};

function alterTableCommand(cmd: AlterTableCmd, table: string | undefined, objtype: ObjectType | undefined): string {
  const handler = own(ALTER_TABLE_COMMANDS, cmd.subtype);
  if (handler) return handler(q(cmd.name), q(table), cmd);
  // ALTER INDEX / VIEW / SEQUENCE also parse as AlterTableStmt; name the object they altered.
  return withName(`Altered ${objectLabel(objtype ?? 'OBJECT_TABLE')}`, table);
}

/** Object types whose COMMENT target is (…, parent, member). */
const MEMBER_OBJECTS = new Set<ObjectType | undefined>([
  'OBJECT_COLUMN',
  'OBJECT_TABCONSTRAINT',
  'OBJECT_DOMCONSTRAINT',
  'OBJECT_TRIGGER',
  'OBJECT_POLICY',
  'OBJECT_RULE',
]);

/** ObjectType names that do not read well by just lower-casing them. */
const OBJECT_LABELS: Record<string, string> = {
  OBJECT_TABCONSTRAINT: 'constraint',
  OBJECT_DOMCONSTRAINT: 'constraint',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_FDW: 'foreign-data wrapper',
  OBJECT_OPCLASS: 'operator class',
  OBJECT_OPFAMILY: 'operator family',
  OBJECT_STATISTIC_EXT: 'statistics object',
  OBJECT_TSCONFIGURATION: 'text search configuration',
  OBJECT_TSDICTIONARY: 'text search dictionary',
  OBJECT_TSPARSER: 'text search parser',
  OBJECT_TSTEMPLATE: 'text search template',
};

/** `OBJECT_FOREIGN_TABLE` -> "foreign table". */
function objectLabel(objtype: unknown): string {
  if (typeof objtype !== 'string') return 'object';
  return own(OBJECT_LABELS, objtype) ?? (objtype.replace(/^OBJECT_/, '').replaceAll('_', ' ').toLowerCase() || 'object');
}

/**
 * Bare name of a DROP/COMMENT/RENAME target: a qualified-name list, a type name, a function
 * signature or a plain string. The schema (and any argument list) is left out on purpose.
 */
function nameOf(object: unknown): string | undefined {
  const string = unwrap(object, 'String')?.sval;
  if (typeof string === 'string') return string;
  const list = unwrap(object, 'List');
  if (list) return lastName(list.items);
  const type = unwrap(object, 'TypeName');
  if (type) return lastName(type.names);
  const routine = unwrap(object, 'ObjectWithArgs');
  if (routine) return lastName(routine.objname);
  // Also takes a RangeVar given unwrapped.
  const relname = typeof object === 'object' && object !== null ? (object as { relname?: unknown }).relname : undefined;
  return typeof relname === 'string' ? relname : undefined;
}

/** Table look-up that ignores inherited keys, so a kind like `constructor` cannot hit Object.prototype. */
function own<T>(table: Record<string, T>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

function q(name: unknown): string {
  return `'${typeof name === 'string' ? name : '?'}'`;
}

/** "Dropped cast." rather than a misleading name when the target has no simple name. */
function withName(phrase: string, name: string | undefined): string {
  return name === undefined ? `${phrase}.` : `${phrase} ${q(name)}.`;
}

/** `CreateFunctionStmt` -> "Ran CREATE FUNCTION statement."; tolerates any string. */
function generic(kind: unknown): string {
  const words = statementKeywords(kind);
  return words ? `Ran ${words} statement.` : 'Ran a statement.';
}
