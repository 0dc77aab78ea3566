import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { transformFile } from '@swc/core';
import { swcOptions } from './swc-options.js';

/**
 * Compiles src/ and migrations/ with SWC into .test-build/, so tests can start real worker
 * processes from the current source (same options as Jest's transform). Takes well under a second.
 */
export async function buildForSpawn(root) {
  const out = join(root, '.test-build');
  for (const dir of ['src', 'migrations']) {
    for (const file of await tsFiles(join(root, dir))) {
      const { code } = await transformFile(file, { ...swcOptions, sourceMaps: false });
      const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, code);
    }
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}\n');
  return out;
}

async function tsFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}
