/*
 * What the trusted policy adds: DO blocks, functions and procedures in sql or plpgsql, CALL,
 * triggers on the tenant's tables and CREATE EXTENSION of the trusted extensions. Each rule
 * first tells the scope the feature is trusted-only, then checks as the trusted policy would.
 */
import type { AlterFunctionStmt, CallStmt, CreateExtensionStmt, CreateFunctionStmt, CreateTrigStmt, DefElem, DoStmt, VariableSetStmt } from '@pgsql/types';
import { defElems, nameParts, stringValue } from './parse-tree.js';
import { checkPlpgsql } from './plpgsql-rules.js';
import { CALL, CREATE_EXTENSION, DO_BLOCKS, EXTENSION_SCHEMA, ROUTINES, TRIGGERS } from './policy.js';
import { checkSqlBody, checkSqlText } from './routine-bodies.js';
import type { Scope } from './scope.js';

const LANGUAGES = new Set(['sql', 'plpgsql']);
const BUILTIN_SCHEMA = 'pg_catalog';

/** Why a role change is never allowed, wherever it appears. */
export const ROLE_CHANGE =
  'changing the role (SET ROLE, RESET ROLE, SET SESSION AUTHORIZATION) and RESET ALL are never allowed: definitions run as the tenant\'s role';
const ROLE_SETTINGS = new Set(['role', 'session_authorization']);

export function changesRole(node: VariableSetStmt): boolean {
  return node.kind === 'VAR_RESET_ALL' || ROLE_SETTINGS.has(node.name ?? '');
}

const language = (options: DefElem[]) => {
  const value = options.find((o) => o.defname === 'language')?.arg;
  return value ? (stringValue(value) ?? '').toLowerCase() : undefined;
};

/** A routine's SET clause: only a search_path of the tenant's schema, pg_catalog and bss_extensions. */
function setClause(node: VariableSetStmt, scope: Scope): string | undefined {
  if (node.kind === 'VAR_RESET_ALL') return 'a RESET ALL clause is not allowed: a routine may set only search_path';
  if (changesRole(node)) return `a SET ${node.name} clause is never allowed: a routine runs with its caller's role`;
  if (node.name !== 'search_path') return `a routine's SET clause may set only search_path, not ${node.name}`;
  if (node.kind === 'VAR_RESET') return undefined;
  if (node.kind !== 'VAR_SET_VALUE') return 'a routine\'s search_path must be given as a list of schemas';
  const allowed = [scope.names.tenantSchema, BUILTIN_SCHEMA, EXTENSION_SCHEMA];
  for (const arg of node.args ?? []) {
    const schema = 'A_Const' in arg ? arg.A_Const.sval?.sval : undefined;
    if (schema === undefined || !allowed.includes(schema)) {
      return `a routine's search_path may name only ${allowed.join(', ')}, not ${schema === undefined ? 'that value' : `'${schema}'`}`;
    }
  }
  return undefined;
}

/** Options of CREATE and ALTER FUNCTION/PROCEDURE. */
function routineOption(option: DefElem, scope: Scope): string | undefined {
  const arg = option.arg;
  switch (option.defname) {
    case 'security':
      return arg && 'Boolean' in arg && arg.Boolean.boolval ? 'SECURITY DEFINER is never allowed: a function or procedure runs with its caller\'s rights' : undefined;
    case 'set':
      return arg && 'VariableSetStmt' in arg ? setClause(arg.VariableSetStmt, scope) : 'a routine\'s SET clause may set only search_path';
    case 'leakproof':
      return arg && 'Boolean' in arg && arg.Boolean.boolval ? 'LEAKPROOF is not allowed: it is for superusers' : undefined;
    case 'support':
      return 'SUPPORT functions are not allowed: they are for superusers';
    case 'transform':
      return 'TRANSFORM is not allowed: transforms are for other languages than sql and plpgsql';
    default:
      return undefined;
  }
}

const routineWord = (isProcedure: boolean | undefined) => (isProcedure ? 'procedure' : 'function');

export function createFunction(node: CreateFunctionStmt, scope: Scope, text: string | undefined): string | undefined {
  scope.trustedOnly(ROUTINES);
  const options = defElems(node.options);
  const lang = language(options) ?? (node.sql_body ? 'sql' : undefined);
  if (!lang) return 'a function or procedure needs LANGUAGE sql or LANGUAGE plpgsql';
  if (!LANGUAGES.has(lang)) return `LANGUAGE ${lang} is not allowed: functions and procedures must be in sql or plpgsql`;
  for (const option of options) {
    const broken = routineOption(option, scope);
    if (broken) return broken;
  }
  const where = `in ${routineWord(node.is_procedure)} '${(nameParts(node.funcname) ?? []).join('.')}'`;
  if (node.sql_body) return checkSqlBody(node.sql_body, scope, where);
  const body = options.find((o) => o.defname === 'as')?.arg;
  const items = body && 'List' in body ? (body.List.items ?? []) : [];
  const source = items.length === 1 ? stringValue(items[0]) : undefined;
  if (source === undefined) return `${where}: the body must be one string`;
  if (lang === 'sql') return checkSqlText(source, scope, where);
  return text === undefined ? `${where}: the PL/pgSQL body cannot be checked here` : checkPlpgsql(text, scope, where);
}

export function alterFunction(node: AlterFunctionStmt, scope: Scope): string | undefined {
  scope.trustedOnly(ROUTINES);
  for (const action of defElems(node.actions)) {
    const broken = routineOption(action, scope);
    if (broken) return broken;
  }
  return undefined;
}

export function doBlock(node: DoStmt, scope: Scope, text: string | undefined): string | undefined {
  scope.trustedOnly(DO_BLOCKS);
  const lang = language(defElems(node.args)) ?? 'plpgsql';
  if (lang === 'sql') return 'DO blocks must be in plpgsql: PostgreSQL runs no DO block in sql';
  if (lang !== 'plpgsql') return `LANGUAGE ${lang} is not allowed: DO blocks must be in plpgsql`;
  return text === undefined ? 'in the DO block: it cannot be checked here' : checkPlpgsql(text, scope, 'in the DO block');
}

/** CALL of the tenant's own procedures; the name rules keep it to them. */
export function call(_node: CallStmt, scope: Scope): string | undefined {
  scope.trustedOnly(CALL);
  return undefined;
}

/** Triggers on the tenant's tables; the name rules keep relation and function to the tenant and built-ins. */
export function createTrigger(_node: CreateTrigStmt, scope: Scope): string | undefined {
  scope.trustedOnly(TRIGGERS);
  return undefined;
}

export function createExtension(node: CreateExtensionStmt, scope: Scope): string | undefined {
  scope.trustedOnly(CREATE_EXTENSION);
  const managed = `extensions live once per database in schema ${EXTENSION_SCHEMA}, managed by the service`;
  if (scope.depth > 0) return `CREATE EXTENSION must be a statement of the definition itself: ${managed}`;
  const option = defElems(node.options)[0];
  if (option) {
    const name = option.defname === 'new_version' ? 'VERSION' : (option.defname ?? '').toUpperCase();
    return `CREATE EXTENSION takes no ${name} (nor any other option): ${managed}`;
  }
  const name = node.extname ?? '';
  const trusted = scope.options.trustedExtensions;
  if (!trusted.some((t) => t.toLowerCase() === name.toLowerCase())) {
    return `extension '${name}' is not one of the trusted extensions (${trusted.join(', ') || 'none'})`;
  }
  return undefined;
}
