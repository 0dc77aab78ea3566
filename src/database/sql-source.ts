import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'libpg-query';
import { SQLSTATES, type SqlstateName } from './sqlstates.js';

/**
 * `db/`: the current text of every function, view and grant of the service's own database
 * (docs/database.md). Found by walking up from this module, so the same files serve the sources
 * (tests), the build (`dist/`) and the image (`/app/db`).
 */
export const DB_DIR = findDbDir(dirname(fileURLToPath(import.meta.url)));

function findDbDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'db', 'functions'))) return join(dir, 'db');
    if (dirname(dir) === dir) throw new Error(`no db/functions folder above ${from}`);
  }
}

interface RawStatement {
  stmt_location?: number;
  stmt_len?: number;
}

/**
 * A file under db/ with its SQLSTATE names ('{{NAME}}') replaced by their codes. A dropped
 * function's file moves from functions/ to retired/, where the migrations that loaded it still find it.
 */
export async function sqlSource(path: string): Promise<string> {
  const retired = path.replace(/^functions\//, 'retired/');
  const text = await readFile(join(DB_DIR, existsSync(join(DB_DIR, path)) ? path : retired), 'utf8');
  return text.replace(/'\{\{([A-Z_]+)\}\}'/g, (_, name: string) => {
    if (!Object.hasOwn(SQLSTATES, name)) throw new Error(`${path}: unknown SQLSTATE name '${name}' (see src/database/sqlstates.ts)`);
    return `'${SQLSTATES[name as SqlstateName]}'`;
  });
}

/** The statements of a file under db/, as PostgreSQL's parser splits them (dollar-quoted bodies stay whole). */
export async function sqlStatements(path: string): Promise<string[]> {
  const text = await sqlSource(path);
  const bytes = Buffer.from(text, 'utf8');
  const { stmts = [] } = (await parse(text)) as { stmts?: RawStatement[] };
  return stmts.map((s) => {
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    return bytes.subarray(start, end).toString('utf8').trim();
  });
}

/**
 * What a migration runs to load files under db/. Bodies are checked when called, not when loaded
 * (as pg_dump does), because a migration always loads a file's current text: a fresh database gets
 * today's text at an earlier point of its history, where a later table may not exist yet.
 */
export async function loadSources(files: readonly string[]): Promise<string[]> {
  const statements = ['SET LOCAL check_function_bodies = off'];
  for (const file of files) statements.push(...(await sqlStatements(file)));
  return [...statements, 'SET LOCAL check_function_bodies = on'];
}

/** Every function source (db/functions/*.sql), in name order. */
export async function functionSources(): Promise<string[]> {
  return (await readdir(join(DB_DIR, 'functions'))).filter((f) => f.endsWith('.sql')).sort().map((f) => `functions/${f}`);
}
