/*
 * Every name a tenant's statement uses must stay inside its own schema: relations unqualified
 * or qualified with the tenant's schema, types, functions, operators, operator classes and
 * collations also with pg_catalog (built-ins) and, for trusted definitions, bss_extensions.
 * Functions that reach other objects by a name in a string are refused, unless (nextval and
 * friends) the string names an object of the tenant.
 */
import type { ColumnRef, FuncCall, RangeVar, TypeCast } from '@pgsql/types';
import { constantString, defElems, type Fields, isFields, nameParts, type StatementNode, stringValue } from './parse-tree.js';
import { EXTENSION_OBJECTS, EXTENSION_SCHEMA, type Feature } from './policy.js';

export interface NameRules {
  tenantSchema: string;
  /**
   * Told when a name is in bss_extensions, which then passes: the caller refuses it later
   * unless the policy is trusted. Without it such names are outside the tenant's schema.
   */
  trustedOnly?: (feature: Feature) => void;
}

const BUILTIN_SCHEMA = 'pg_catalog';

/** Functions that read files, run SQL text, touch other sessions or outlive the transaction. */
const REFUSED_FUNCTIONS = new Set([
  'lastval',
  'set_config',
  'ts_stat',
  'ts_rewrite',
  'loread',
  'lowrite',
  'obj_description',
  'col_description',
  'shobj_description',
]);
const REFUSED_FUNCTION_PATTERNS = [
  /^pg_(?!sleep$|sleep_for$|sleep_until$)/, // pg_read_file, pg_ls_dir, pg_terminate_backend, pg_advisory_lock, pg_get_viewdef...
  /^lo_/, // large objects live outside any schema
  /^dblink/,
  /_to_xml(schema|_and_xmlschema)?$/, // query_to_xml('select ...') runs SQL text
  /^has_.*_privilege$/,
  /^to_reg/,
];

/** Functions whose first argument names a sequence: allowed only for the tenant's own. */
const SEQUENCE_FUNCTIONS = new Set(['nextval', 'currval', 'setval']);

const REG_TYPES = new Set(['regclass', 'regtype', 'regproc', 'regprocedure', 'regoper', 'regoperator', 'regconfig', 'regdictionary', 'regcollation']);
const TABLESPACE_KEYS = ['tablespacename', 'tableSpace', 'tableSpaceName', 'indexspace'];
/** Keys whose value is a name list of a type, function, operator, operator class or collation. */
const BUILTIN_NAME_KEYS = ['names', 'collname', 'opclass', 'objname'];

/** `'a.b'` or `'"A".b'` as PostgreSQL would split it, for names given in string constants. */
export function splitQualified(text: string): string[] {
  const parts: string[] = [];
  for (const match of text.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)) {
    parts.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2].trim().toLowerCase());
  }
  return parts;
}

const dotted = (parts: string[]) => parts.join('.');

/** Why a function may not be called by name, if it may not. */
export function refusedFunction(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (REFUSED_FUNCTIONS.has(lower) || REFUSED_FUNCTION_PATTERNS.some((p) => p.test(lower))) {
    return `function '${lower}' is not allowed: it can reach outside the tenant's schema`;
  }
  return undefined;
}

export class NameChecker {
  constructor(private readonly rules: NameRules) {}

  /** A relation-like name: `[schema.]name`, with `memberParts` trailing parts (a column, a trigger). */
  relation(parts: string[], memberParts = 0): string | undefined {
    const schemaAt = parts.length - 2 - memberParts;
    if (schemaAt > 0) return `name '${dotted(parts)}' has too many parts`;
    if (schemaAt === 0 && parts[0] !== this.rules.tenantSchema) return `name '${dotted(parts)}' is outside the tenant's schema`;
    return undefined;
  }

  /** Types, functions, operators, operator classes, collations: the tenant's schema, the built-ins, the trusted extensions. */
  builtinOrOwn(parts: string[]): string | undefined {
    if (parts.length > 2) return `name '${dotted(parts)}' has too many parts`;
    if (parts.length < 2 || parts[0] === this.rules.tenantSchema || parts[0] === BUILTIN_SCHEMA) return undefined;
    if (parts[0] === EXTENSION_SCHEMA && this.rules.trustedOnly) {
      this.rules.trustedOnly(EXTENSION_OBJECTS);
      return undefined;
    }
    return `name '${dotted(parts)}' is outside the tenant's schema`;
  }

  /** A routine the tenant defines, alters, drops or calls: unqualified or in its own schema. */
  ownRoutine(parts: string[]): string | undefined {
    if (parts.length > 2) return `name '${dotted(parts)}' has too many parts`;
    if (parts.length === 2 && parts[0] !== this.rules.tenantSchema) {
      return `function or procedure '${dotted(parts)}' is outside the tenant's schema: a tenant defines, changes and calls only its own`;
    }
    return undefined;
  }

  /** The function a trigger executes: the tenant's own or a built-in (tsvector_update_trigger). */
  triggerFunction(parts: string[]): string | undefined {
    if (parts.length > 2) return `name '${dotted(parts)}' has too many parts`;
    if (parts.length === 2 && parts[0] !== this.rules.tenantSchema && parts[0] !== BUILTIN_SCHEMA) {
      return `trigger function '${dotted(parts)}' is outside the tenant's schema: a trigger executes the tenant's own function or a built-in`;
    }
    return refusedFunction(parts[parts.length - 1]);
  }

  rangeVar(node: RangeVar): string | undefined {
    if (node.catalogname) return `database-qualified name '${node.catalogname}.${node.schemaname}.${node.relname}' is not allowed`;
    if (node.relpersistence === 't') return 'temporary tables are not allowed';
    if (node.schemaname) return this.relation([node.schemaname, node.relname ?? '']);
    if (String(node.relname).startsWith('pg_')) return `system catalog '${node.relname}' cannot be referenced`;
    return undefined;
  }

  funcCall(node: FuncCall): string | undefined {
    const parts = nameParts(node.funcname);
    if (!parts) return 'function names must be plain names';
    const broken = this.builtinOrOwn(parts) ?? refusedFunction(parts[parts.length - 1]);
    if (broken) return broken;
    const name = parts[parts.length - 1].toLowerCase();
    if (SEQUENCE_FUNCTIONS.has(name)) {
      const named = constantString(node.args?.[0]);
      if (named === undefined) return `function '${name}' must name a sequence of the tenant in a string constant`;
      return this.relation(splitQualified(named));
    }
    return undefined;
  }

  typeCast(node: TypeCast): string | undefined {
    const typeParts = nameParts(node.typeName?.names) ?? [];
    const target = typeParts[typeParts.length - 1];
    if (target === 'regnamespace' || target === 'regrole') return `casts to ${target} are not allowed`;
    if (!REG_TYPES.has(target)) return undefined;
    const named = constantString(node.arg);
    if (named === undefined) return `a cast to ${target} must name an object of the tenant in a string constant`;
    const parts = splitQualified(named.replace(/\(.*$/, ''));
    return target === 'regclass' ? this.relation(parts) : this.builtinOrOwn(parts);
  }

  columnRef(node: ColumnRef): string | undefined {
    const fields = node.fields ?? [];
    if (fields.length >= 4) return 'database-qualified column references are not allowed';
    if (fields.length === 3) {
      const schema = stringValue(fields[0]);
      if (schema !== this.rules.tenantSchema) return `name '${schema}.${stringValue(fields[1])}' is outside the tenant's schema`;
    }
    return undefined;
  }

  /** One node of any kind, recognised by its shape (libpg-query does not always wrap nodes in their type name). */
  node(node: Fields): string | undefined {
    for (const key of TABLESPACE_KEYS) if (typeof node[key] === 'string' && node[key]) return 'tablespaces are not allowed';
    if (typeof node.relname === 'string') return this.rangeVar(node);
    if (Array.isArray(node.funcname) && 'funcformat' in node) return this.funcCall(node);
    if (Array.isArray(node.fields)) return this.columnRef(node);
    if (isFields(node.typeName) && 'arg' in node) return this.typeCast(node);
    for (const key of BUILTIN_NAME_KEYS) {
      const parts = nameParts(node[key]);
      if (parts) return this.builtinOrOwn(parts);
    }
    if (typeof node.kind === 'string' && node.kind.startsWith('AEXPR_')) {
      const parts = nameParts(node.name);
      if (parts) return this.builtinOrOwn(parts);
    }
    return undefined;
  }

  /** Depth-first over the whole tree: the first rule broken, if any. */
  walk(value: unknown): string | undefined {
    if (Array.isArray(value)) {
      for (const item of value) {
        const broken = this.walk(item);
        if (broken) return broken;
      }
      return undefined;
    }
    if (!isFields(value)) return undefined;
    const broken = this.node(value);
    if (broken) return broken;
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object') {
        const inner = this.walk(child);
        if (inner) return inner;
      }
    }
    return undefined;
  }
}

/** `[schema.]name` of a function in an ObjectWithArgs, wrapped (`{ObjectWithArgs}`) or not. */
function routineParts(node: unknown): string[] | undefined {
  const owa = isFields(node) && isFields(node.ObjectWithArgs) ? node.ObjectWithArgs : node;
  return isFields(owa) ? nameParts(owa.objname) : undefined;
}

const ROUTINE_OBJECTS = new Set(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE']);
const MEMBER_OBJECTS = new Set(['OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_TRIGGER']);

/** The names of objects a statement names by lists of its own (not nodes): `[schema.]object[.member]`, routines. */
function statementNames(statement: StatementNode, check: NameChecker): string | undefined {
  const objects = (objtype: string | undefined, list: unknown[]) => {
    const routines = ROUTINE_OBJECTS.has(objtype ?? '');
    const members = MEMBER_OBJECTS.has(objtype ?? '') ? 1 : 0;
    for (const item of list) {
      const parts = routines ? routineParts(item) : nameParts(item);
      const broken = !parts ? undefined : routines ? check.ownRoutine(parts) : check.relation(parts, members);
      if (broken) return broken;
    }
    return undefined;
  };
  switch (statement.kind) {
    case 'DropStmt':
      return objects(statement.node.removeType, statement.node.objects ?? []);
    case 'CommentStmt':
      return objects(statement.node.objtype, [statement.node.object]);
    case 'RenameStmt':
      return objects(statement.node.renameType, statement.node.object ? [statement.node.object] : []);
    case 'AlterFunctionStmt':
      return check.ownRoutine(routineParts(statement.node.func) ?? []);
    case 'CreateFunctionStmt':
      return check.ownRoutine(nameParts(statement.node.funcname) ?? []);
    case 'CallStmt':
      return check.ownRoutine(nameParts(statement.node.funccall?.funcname) ?? []);
    case 'CreateTrigStmt':
      return check.triggerFunction(nameParts(statement.node.funcname) ?? []);
    case 'CreateEnumStmt':
    case 'AlterEnumStmt':
    case 'AlterDomainStmt':
      return objects(undefined, [statement.node.typeName]);
    case 'CreateDomainStmt':
      return objects(undefined, [statement.node.domainname]);
    case 'CreateSeqStmt':
    case 'AlterSeqStmt': {
      const ownedBy = defElems(statement.node.options).find((o) => o.defname === 'owned_by')?.arg;
      const parts = nameParts(ownedBy);
      return parts && !(parts.length === 1 && parts[0] === 'none') ? check.relation(parts, 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** The first name rule the statement breaks, or undefined. */
export function checkNames(statement: StatementNode, rules: NameRules): string | undefined {
  const check = new NameChecker(rules);
  return statementNames(statement, check) ?? check.walk(statement.node);
}
