import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DB_DIR, functionSources, sqlSource, sqlStatements } from '../src/database/sql-source.js';
import { SQLSTATES } from '../src/database/sqlstates.js';
import { databaseStructure, SERVICE_SCHEMAS } from './support/database-structure.js';
import { testPool } from './support/db.js';

/** Everything under db/ that describes the database as it is now (history/ and retired/ are past texts). */
const CURRENT = [...(await functionSources()), 'catalog/bss_catalog.sql', 'grants.sql'];

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(ext)).map((e) => join(e.parentPath, e.name));
}

describe('the database as source (db/)', () => {
  const pool = testPool();
  afterAll(() => pool.end());

  it('has one file in db/functions for each function of the service, named for it, and creates no other', async () => {
    const { rows } = await pool.query<{ name: string }>(
      `SELECT n.nspname || '.' || p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
       ORDER BY 1`,
      [SERVICE_SCHEMAS],
    );
    const created = new Set<string>();
    for (const file of [...(await functionSources()), 'catalog/bss_catalog.sql']) {
      for (const sql of await sqlStatements(file)) {
        const name = /^CREATE OR REPLACE FUNCTION ([a-z_]+\.[a-z_]+)\(/.exec(sql)?.[1];
        if (!name) continue;
        created.add(name);
        if (file.startsWith('functions/')) expect(file).toBe(`functions/${name}.sql`);
      }
    }
    expect([...created].sort()).toEqual(rows.map((r) => r.name));
  });

  it('holds exactly the texts of db/: loading every file again changes nothing', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const before = await databaseStructure(client);
      await client.query(`SELECT pg_catalog.set_config('bss.runtime_role', $1, true)`, [process.env.TEST_RUNTIME_ROLE]);
      for (const file of CURRENT) for (const sql of await sqlStatements(file)) await client.query(sql);
      const after = await databaseStructure(client);
      expect(after).toEqual(before);
      expect(before.functions.length).toBeGreaterThan(20);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('finds a function whose body differs from its file', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const before = await databaseStructure(client);
      const [create] = await sqlStatements('functions/business_store_service.tenant_lock_key.sql');
      await client.query(create.replace('$fn$\n', '$fn$\n  -- edited\n'));
      expect(await databaseStructure(client)).not.toEqual(before);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('declares each SQLSTATE once, in src/database/sqlstates.ts, and raises each one', async () => {
    const written = /\bBSS0\d\b/;
    const sources = [
      ...(await filesUnder(join(DB_DIR, '..', 'src'), '.ts')).filter((f) => !f.endsWith('.spec.ts') && !f.endsWith('sqlstates.ts')),
      ...(await filesUnder(DB_DIR, '.sql')).filter((f) => !/\/(history|retired)\//.test(f)),
    ];
    const writtenOut = [];
    for (const file of sources) if (written.test(await readFile(file, 'utf8'))) writtenOut.push(relative(join(DB_DIR, '..'), file));
    expect(writtenOut).toEqual([]);

    const raised = new Set<string>();
    for (const file of CURRENT) for (const [, name] of (await readFile(join(DB_DIR, file), 'utf8')).matchAll(/'\{\{([A-Z_]+)\}\}'/g)) raised.add(name);
    expect([...raised].sort()).toEqual(Object.keys(SQLSTATES).sort());
    // The loader puts the codes in: the database raises BSS01, not a placeholder.
    expect(await sqlSource('functions/bss_gate.check_session.sql')).toContain(`'${SQLSTATES.LEFT_TENANT_ROLE}'`);
  });
});
