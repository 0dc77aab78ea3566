import type { DefinitionPolicy } from '../ddl/allow-list.js';
import { type ParsedStatement, parseDdl } from '../ddl/parse-ddl.js';

/** A stored definition, as a replay runs it. */
export interface ReplayDefinition {
  version: number;
  ddl: string;
  policy: DefinitionPolicy;
  transactional: boolean;
}

/**
 * Statements that change no schema: rows (a replay makes the schema without them, as a shadow
 * dry run has none, and a tenant's own rows were never part of its definitions), and maintenance.
 */
const SKIPPED = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'TruncateStmt', 'VacuumStmt', 'CheckPointStmt']);
export interface ReplayStatement {
  ordinal: number;
  sql: string;
}

/**
 * A definition's statements as a replay runs them in the scratch schema `into`: the tenant's own
 * schema name (`from`), where the DDL spells it out, becomes the scratch schema's; CREATE
 * EXTENSION is left out, as the apply leaves it (the service installed the extension once for
 * the database); row changes, VACUUM and CHECKPOINT change nothing a description shows (a history
 * that loads a million rows replays in milliseconds).
 */
export async function replayStatements(definition: ReplayDefinition, from: string, into: string): Promise<ReplayStatement[]> {
  const statements: ParsedStatement[] = await parseDdl(definition.ddl);
  return statements
    .filter((s) => !SKIPPED.has(s.kind) && s.kind !== 'CreateExtensionStmt')
    .map((s) => ({ ordinal: s.ordinal, sql: inScratch(s.text, from, into) }));
}

/** A statement's text with the tenant's schema name (`from`, quoted or not, in any case) made the scratch schema's. */
export function inScratch(text: string, from: string, into: string): string {
  return text.replace(new RegExp(`"?\\b${from}\\b"?`, 'gi'), into);
}
