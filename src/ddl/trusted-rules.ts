/*
 * The trusted policy (docs/contract.md §10): whatever PostgreSQL allows the tenant's role, except
 * what privileges alone do not stop or what must never run. Checked wherever a statement sits: at
 * the top, in DO blocks, in sql and plpgsql bodies, and in strings EXECUTEd as constants. Names are
 * not checked: PostgreSQL refuses the tenant's role another schema, and the gate refuses at
 * commit what a DDL built at run time left behind. A body this parser cannot read is left to
 * PostgreSQL for the same reason.
 */
import type { CopyStmt, CreateExtensionStmt, CreateFunctionStmt, DefElem, DoStmt, VariableSetStmt } from '@pgsql/types';
import { constantString, defElems, isFields, nameParts, stringValue, type StatementNode } from './parse-tree.js';
import { checkPlpgsql } from './plpgsql-rules.js';
import { checkSqlBody, checkSqlText } from './routine-bodies.js';
import type { TrustedScope } from './scope.js';

const NEVER: [RegExp, string][] = [
  [/^AlterSystemStmt$/, 'ALTER SYSTEM is never allowed: it changes the whole server'],
  [/^LoadStmt$/, 'LOAD is never allowed: it loads code into the server'],
  [/^(CreateEventTrigStmt|AlterEventTrigStmt)$/, 'event triggers are never allowed: they act on the whole database'],
  [/^(AlterOwnerStmt|ReassignOwnedStmt)$/, "changing an owner is never allowed: the tenant's role owns what it creates"],
];
const GRANT = "grants to other roles or PUBLIC are never allowed: a tenant's objects stay its own";
const OWNER = "changing an owner is never allowed: the tenant's role owns what it creates";
const ROLE_SETTINGS = new Set(['role', 'session_authorization']);

/** Why a role change is never allowed, wherever it appears (strict refuses it too). */
export const ROLE_CHANGE =
  "changing the role (SET ROLE, RESET ROLE, SET SESSION AUTHORIZATION) and RESET ALL are never allowed: definitions run as the tenant's role";

export function changesRole(node: VariableSetStmt): boolean {
  return node.kind === 'VAR_RESET_ALL' || ROLE_SETTINGS.has(node.name ?? '');
}

/** The first rule of §10 the statement breaks (its nested statements included), or undefined. */
export function trustedRule(statement: StatementNode, scope: TrustedScope): string | undefined {
  const never = NEVER.find(([pattern]) => pattern.test(statement.kind));
  if (never) return never[1];
  switch (statement.kind) {
    case 'TransactionStmt':
      return scope.options.transactional
        ? 'transaction control is not allowed: each version already runs in one transaction'
        : "transaction control is not allowed: the service controls each version's transactions";
    case 'VariableSetStmt':
      return changesRole(statement.node) ? ROLE_CHANGE : undefined;
    case 'GrantStmt':
      return statement.node.is_grant ? GRANT : undefined;
    case 'GrantRoleStmt':
      return statement.node.is_grant ? GRANT : undefined;
    case 'AlterDefaultPrivilegesStmt':
      return statement.node.action?.is_grant ? GRANT : undefined;
    case 'AlterTableStmt':
      return (statement.node.cmds ?? []).some((c) => 'AlterTableCmd' in c && c.AlterTableCmd.subtype === 'AT_ChangeOwner') ? OWNER : roleConfig(statement.node);
    case 'CopyStmt':
      return copy(statement.node);
    case 'CreateExtensionStmt':
      return extension(statement.node, scope);
    case 'CreateFunctionStmt':
      return routine(statement.node, scope, statement.text);
    case 'AlterFunctionStmt':
      return routineOptions(defElems((statement.node).actions));
    case 'DoStmt':
      return doBlock(statement.node, scope, statement.text);
    case 'IndexStmt':
      if (!statement.node.concurrent) return roleConfig(statement.node);
      return (
        concurrently('CREATE INDEX', scope) ??
        (statement.node.idxname ? undefined : 'CREATE INDEX CONCURRENTLY needs an index name: an interrupted build must be found by name to be rebuilt')
      );
    case 'DropStmt':
      return statement.node.concurrent ? concurrently('DROP INDEX', scope) : undefined;
    case 'ReindexStmt': {
      const concurrent = (statement.node.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently');
      return concurrent ? concurrently('REINDEX', scope) : undefined;
    }
    default:
      return roleConfig(statement.node);
  }
}

/** set_config('role', ...) anywhere in an expression: SET ROLE by another name. */
function roleConfig(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const broken = roleConfig(item);
      if (broken) return broken;
    }
    return undefined;
  }
  if (!isFields(node)) return undefined;
  const call = isFields(node.FuncCall) ? node.FuncCall : undefined;
  if (call && nameParts(call.funcname)?.at(-1) === 'set_config') {
    const setting = constantString((call.args as unknown[] | undefined)?.[0]);
    if (setting !== undefined && ROLE_SETTINGS.has(setting.toLowerCase())) return `${ROLE_CHANGE} (set_config('${setting}', ...))`;
  }
  for (const child of Object.values(node)) {
    if (child !== null && typeof child === 'object') {
      const broken = roleConfig(child);
      if (broken) return broken;
    }
  }
  return undefined;
}

function copy(node: CopyStmt): string | undefined {
  if (node.is_program) return 'COPY to or from a program is never allowed: it runs a command on the database server';
  if (node.filename) return "COPY to or from a file is never allowed: it reads or writes the database server's files";
  return roleConfig(node);
}

function extension(node: CreateExtensionStmt, scope: TrustedScope): string | undefined {
  const name = (node.extname ?? '').toLowerCase();
  const trusted = scope.options.trustedExtensions;
  if (!trusted.some((t) => t.toLowerCase() === name)) {
    return `extension '${node.extname}' is not one of the trusted extensions (${trusted.join(', ') || 'none'})`;
  }
  scope.extensions?.add(name);
  return undefined;
}

/** `what` CONCURRENTLY cannot run in a transaction block: only as a statement of its own, in a definition with transactional: false. */
function concurrently(what: string, scope: TrustedScope): string | undefined {
  if (scope.depth > 0) return `${what} CONCURRENTLY cannot run inside a function or DO block`;
  if (!scope.options.transactional) return undefined;
  return `${what} CONCURRENTLY cannot run inside the atomic apply (each version is one transaction); use ${what}, or a definition with transactional: false (trusted policy only)`;
}

/** A routine's options: never SECURITY DEFINER, never a SET of role or search_path. */
function routineOptions(options: DefElem[]): string | undefined {
  for (const option of options) {
    const arg = option.arg;
    if (option.defname === 'security' && arg && 'Boolean' in arg && arg.Boolean.boolval) {
      return "SECURITY DEFINER is never allowed: a function or procedure runs with its caller's rights";
    }
    if (option.defname === 'set' && arg && 'VariableSetStmt' in arg) {
      const set = arg.VariableSetStmt;
      if (ROLE_SETTINGS.has(set.name ?? '')) return `a SET ${set.name} clause is never allowed: a routine runs with its caller's role`;
      if (set.name === 'search_path') return "a SET search_path clause is not allowed: a routine resolves names as its caller does, in the tenant's schema";
    }
  }
  return undefined;
}

function languageOf(options: DefElem[]): string | undefined {
  const value = options.find((o) => o.defname === 'language')?.arg;
  return value ? (stringValue(value) ?? '').toLowerCase() : undefined;
}

function routine(node: CreateFunctionStmt, scope: TrustedScope, text: string | undefined): string | undefined {
  const options = defElems(node.options);
  const broken = routineOptions(options);
  if (broken) return broken;
  const where = `in ${node.is_procedure ? 'procedure' : 'function'} '${(nameParts(node.funcname) ?? []).join('.')}'`;
  if (node.sql_body) return checkSqlBody(node.sql_body, scope, where);
  const lang = languageOf(options);
  const body = options.find((o) => o.defname === 'as')?.arg;
  const items = body && 'List' in body ? (body.List.items ?? []) : [];
  const source = items.length === 1 ? stringValue(items[0]) : undefined;
  if (lang === 'sql' && source !== undefined) return checkSqlText(source, scope, where);
  if (lang === 'plpgsql' && text !== undefined) return checkPlpgsql(text, scope, where);
  return undefined; // another language: PostgreSQL grants the tenant's role none but sql and plpgsql
}

function doBlock(node: DoStmt, scope: TrustedScope, text: string | undefined): string | undefined {
  const lang = languageOf(defElems(node.args)) ?? 'plpgsql';
  return lang === 'plpgsql' && text !== undefined ? checkPlpgsql(text, scope, 'in the DO block') : undefined;
}
