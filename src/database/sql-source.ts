import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'libpg-query';

/**
 * `db/`: the current text of every database function, view and grant the service owns
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

/** The statements of a file under db/, as PostgreSQL's parser splits them (dollar-quoted bodies stay whole). */
export async function sqlStatements(path: string): Promise<string[]> {
  const text = await readFile(join(DB_DIR, path), 'utf8');
  const bytes = Buffer.from(text, 'utf8');
  const { stmts = [] } = (await parse(text)) as { stmts?: RawStatement[] };
  return stmts.map((s) => {
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    return bytes.subarray(start, end).toString('utf8').trim();
  });
}
