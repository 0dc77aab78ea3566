/*
 * Every name a tenant's statement uses must stay inside its own schema: relations unqualified
 * or qualified with the tenant's schema, types, functions, operators and collations also with
 * pg_catalog (built-ins). Functions that reach other objects by a name in a string are refused,
 * unless (nextval and friends) the string names an object of the tenant.
 */

// Parse-tree nodes are plain JSON from libpg-query.
type Node = Record<string, any>;

export interface NameRules {
  tenantSchema: string;
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

/** The string values of a name list (`[{String}]` or `{List: {items}}`); undefined if not all strings. */
function strings(list: unknown): string[] | undefined {
  const items = Array.isArray(list) ? list : (list as Node)?.List?.items;
  if (!Array.isArray(items)) return undefined;
  const values = items.map((item: Node) => item?.String?.sval);
  return values.every((v) => typeof v === 'string') ? values : undefined;
}

/** `'a.b'` or `'"A".b'` as PostgreSQL would split it, for names given in string constants. */
function splitQualified(text: string): string[] {
  const parts: string[] = [];
  for (const match of text.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)) {
    parts.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2].trim().toLowerCase());
  }
  return parts;
}

const dotted = (parts: string[]) => parts.join('.');

class NameChecker {
  constructor(private readonly rules: NameRules) {}

  /** A relation-like name: `[schema.]name`. */
  relation(parts: string[], memberParts = 0): string | undefined {
    const schemaAt = parts.length - 2 - memberParts;
    if (schemaAt > 0) return `name '${dotted(parts)}' has too many parts`;
    if (schemaAt === 0 && parts[0] !== this.rules.tenantSchema) return `name '${dotted(parts)}' is outside the tenant's schema`;
    return undefined;
  }

  /** Types, functions, operators, collations: the tenant's schema or the built-ins. */
  builtinOrOwn(parts: string[]): string | undefined {
    if (parts.length > 2) return `name '${dotted(parts)}' has too many parts`;
    if (parts.length === 2 && parts[0] !== this.rules.tenantSchema && parts[0] !== BUILTIN_SCHEMA) {
      return `name '${dotted(parts)}' is outside the tenant's schema`;
    }
    return undefined;
  }

  rangeVar(node: Node): string | undefined {
    if (node.catalogname) return `database-qualified name '${node.catalogname}.${node.schemaname}.${node.relname}' is not allowed`;
    if (node.relpersistence === 't') return 'temporary tables are not allowed';
    if (node.schemaname) return this.relation([node.schemaname, node.relname]);
    if (String(node.relname).startsWith('pg_')) return `system catalog '${node.relname}' cannot be referenced`;
    return undefined;
  }

  funcCall(node: Node): string | undefined {
    const parts = strings(node.funcname);
    if (!parts) return 'function names must be plain names';
    const qualified = this.builtinOrOwn(parts);
    if (qualified) return qualified;
    const name = parts[parts.length - 1].toLowerCase();
    if (REFUSED_FUNCTIONS.has(name) || REFUSED_FUNCTION_PATTERNS.some((p) => p.test(name))) {
      return `function '${name}' is not allowed: it can reach outside the tenant's schema`;
    }
    if (SEQUENCE_FUNCTIONS.has(name)) {
      const named = stringConstant(node.args?.[0]);
      if (named === undefined) return `function '${name}' must name a sequence of the tenant in a string constant`;
      return this.relation(splitQualified(named));
    }
    return undefined;
  }

  typeCast(node: Node): string | undefined {
    const typeParts = strings(node.typeName?.names) ?? [];
    const target = typeParts[typeParts.length - 1];
    if (target === 'regnamespace' || target === 'regrole') return `casts to ${target} are not allowed`;
    if (!REG_TYPES.has(target)) return undefined;
    const named = stringConstant(node.arg);
    if (named === undefined) return `a cast to ${target} must name an object of the tenant in a string constant`;
    const parts = splitQualified(named.replace(/\(.*$/, ''));
    return target === 'regclass' ? this.relation(parts) : this.builtinOrOwn(parts);
  }

  columnRef(node: Node): string | undefined {
    const fields: Node[] = node.fields ?? [];
    if (fields.length >= 4) return 'database-qualified column references are not allowed';
    if (fields.length === 3) {
      const schema = fields[0]?.String?.sval;
      if (schema !== this.rules.tenantSchema) return `name '${schema}.${fields[1]?.String?.sval}' is outside the tenant's schema`;
    }
    return undefined;
  }

  /** One node of any kind, recognised by its shape (libpg-query does not always wrap nodes in their type name). */
  node(node: Node): string | undefined {
    for (const key of TABLESPACE_KEYS) if (typeof node[key] === 'string' && node[key]) return 'tablespaces are not allowed';
    if (typeof node.relname === 'string') return this.rangeVar(node);
    if (Array.isArray(node.funcname) && 'funcformat' in node) return this.funcCall(node);
    if (Array.isArray(node.fields)) return this.columnRef(node);
    if (node.typeName && 'arg' in node) return this.typeCast(node);
    for (const key of ['names', 'collname']) {
      const parts = strings(node[key]);
      if (parts) return this.builtinOrOwn(parts);
    }
    if (typeof node.kind === 'string' && node.kind.startsWith('AEXPR_')) {
      const parts = strings(node.name);
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
    if (value === null || typeof value !== 'object') return undefined;
    const broken = this.node(value as Node);
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

function stringConstant(node: Node | undefined): string | undefined {
  const inner = node?.TypeCast ? node.TypeCast.arg : node;
  const value = inner?.A_Const?.sval?.sval;
  return typeof value === 'string' ? value : undefined;
}

/** Name lists that are not nodes of their own, per statement: `[schema.]object[.member]`. */
function statementNames(kind: string, node: Node, check: NameChecker): string | undefined {
  const relationLists = (lists: unknown[], members = 0) => {
    for (const list of lists) {
      const parts = strings(list);
      const broken = parts ? check.relation(parts, members) : undefined;
      if (broken) return broken;
    }
    return undefined;
  };
  switch (kind) {
    case 'DropStmt':
      return relationLists(node.objects ?? []);
    case 'CommentStmt':
      return relationLists([node.object], node.objtype === 'OBJECT_COLUMN' || node.objtype === 'OBJECT_TABCONSTRAINT' ? 1 : 0);
    case 'RenameStmt':
      return relationLists(node.object ? [node.object] : []);
    case 'CreateEnumStmt':
    case 'AlterEnumStmt':
    case 'AlterDomainStmt':
      return relationLists([node.typeName]);
    case 'CreateDomainStmt':
      return relationLists([node.domainname]);
    case 'CreateSeqStmt':
    case 'AlterSeqStmt': {
      const ownedBy = (node.options ?? []).find((o: Node) => o.DefElem?.defname === 'owned_by')?.DefElem.arg;
      const parts = strings(ownedBy);
      return parts && !(parts.length === 1 && parts[0] === 'none') ? check.relation(parts, 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** The first name rule the statement breaks, or undefined. */
export function checkNames(kind: string, node: Node, rules: NameRules): string | undefined {
  const check = new NameChecker(rules);
  return statementNames(kind, node, check) ?? check.walk(node);
}
