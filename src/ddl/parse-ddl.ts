import type { Node } from '@pgsql/types';
import { parse } from 'libpg-query';

/** Every parse-tree node type, e.g. `CreateStmt`. */
export type NodeKind = Node extends infer N ? (N extends Record<infer K, unknown> ? K & string : never) : never;
/** The node of one type: `NodeOf<'CreateStmt'>` is `CreateStmt`. */
export type NodeOf<K extends NodeKind> = Extract<Node, Record<K, unknown>>[K & keyof Extract<Node, Record<K, unknown>>];

/**
 * One statement of a definition, as the PostgreSQL parser split it. A union over node types,
 * so that `statement.kind === 'CreateStmt'` narrows `statement.node` to `CreateStmt`.
 */
export type ParsedStatement = {
  [K in NodeKind]: {
    /** 1-based ordinal within the definition. */
    ordinal: number;
    /** The parse-tree node type. */
    kind: K;
    /** The node itself, for the allow-list, the lint and the summary. */
    node: NodeOf<K>;
    /** The statement's own text, trimmed, without its terminating semicolon. */
    text: string;
  };
}[NodeKind];

/** The DDL does not parse; position, line and column are 1-based as in psql. */
export class DdlSyntaxError extends Error {
  constructor(
    readonly parserMessage: string,
    readonly position: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${parserMessage} at position ${position} (line ${line}, column ${column})`);
    this.name = 'DdlSyntaxError';
  }
}

export class EmptyDdlError extends Error {
  constructor() {
    super('ddl must contain at least one SQL statement');
    this.name = 'EmptyDdlError';
  }
}

interface RawStmt {
  stmt: Node;
  stmt_location?: number;
  stmt_len?: number;
}

/**
 * Splits and parses DDL with the real PostgreSQL parser. Statement locations are
 * byte offsets into the UTF-8 text, so slicing happens on the byte buffer.
 */
export async function parseDdl(ddl: string): Promise<ParsedStatement[]> {
  if (ddl.trim() === '') throw new EmptyDdlError();
  let result: { stmts?: RawStmt[] };
  try {
    result = (await parse(ddl)) as unknown as { stmts?: RawStmt[] };
  } catch (error) {
    throw toSyntaxError(ddl, error);
  }
  const bytes = Buffer.from(ddl, 'utf8');
  const statements = (result.stmts ?? []).map((raw, index): ParsedStatement => {
    const [kind] = Object.keys(raw.stmt) as NodeKind[];
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len === undefined || raw.stmt_len === 0 ? bytes.length : start + raw.stmt_len;
    const text = bytes.subarray(start, end).toString('utf8').trim().replace(/;\s*$/, '');
    return { ordinal: index + 1, kind, node: (raw.stmt as Record<string, unknown>)[kind], text } as ParsedStatement;
  });
  if (statements.length === 0) throw new EmptyDdlError();
  return statements;
}

function toSyntaxError(ddl: string, error: unknown): DdlSyntaxError | Error {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  if (!details?.message) return error as Error;
  // cursorPosition counts characters (code points), 0-based, as PostgreSQL's own error position does.
  const before = Array.from(ddl).slice(0, details.cursorPosition ?? 0);
  const lastNewline = before.lastIndexOf('\n');
  const line = before.filter((c) => c === '\n').length + 1;
  return new DdlSyntaxError(details.message, before.length + 1, line, before.length - lastNewline);
}
