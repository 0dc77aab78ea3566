import { scan } from 'libpg-query';
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
const SKIPPED = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'TruncateStmt', 'VacuumStmt', 'CheckPointStmt', 'ReindexStmt']);
export interface ReplayStatement {
  ordinal: number;
  sql: string;
}

/**
 * A definition's statements as a replay runs them in the scratch schema `into`: the tenant's own
 * schema name (`from`), where the DDL spells it out, becomes the scratch schema's; CREATE
 * EXTENSION is left out, as the apply leaves it (the service installed the extension once for
 * the database); row changes, VACUUM, REINDEX and CHECKPOINT change nothing a description shows
 * (a history that loads a million rows replays in milliseconds). CONCURRENTLY is dropped: on empty
 * tables it buys nothing, and a concurrent build would wait for every older transaction of the
 * database (docs/contract.md §11).
 */
export async function replayStatements(definition: ReplayDefinition, from: string, into: string): Promise<ReplayStatement[]> {
  const statements: ParsedStatement[] = await parseDdl(definition.ddl);
  return Promise.all(
    statements
      .filter((s) => !SKIPPED.has(s.kind) && s.kind !== 'CreateExtensionStmt')
      .map(async (s) => ({ ordinal: s.ordinal, sql: inScratch(await withoutConcurrently(s.text), from, into) })),
  );
}

/** The statement without its CONCURRENTLY keyword (not a function named so, nor a quoted name or a string). */
export async function withoutConcurrently(text: string): Promise<string> {
  if (!/concurrently/i.test(text)) return text;
  const { tokens } = await scan(text);
  // Token positions are byte offsets.
  const bytes = Buffer.from(text, 'utf8');
  const kept: Buffer[] = [];
  let at = 0;
  tokens.forEach((token, i) => {
    if (token.keywordKind === 0 || token.text.toUpperCase() !== 'CONCURRENTLY' || tokens[i + 1]?.text === '(') return;
    kept.push(bytes.subarray(at, token.start));
    at = tokens[i + 1]?.start ?? token.end;
  });
  kept.push(bytes.subarray(at));
  return Buffer.concat(kept).toString('utf8');
}

/** A statement's text with the tenant's schema name (`from`, quoted or not, in any case) made the scratch schema's. */
export function inScratch(text: string, from: string, into: string): string {
  return text.replace(new RegExp(`"?\\b${from}\\b"?`, 'gi'), into);
}
