import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { migrationsList } from '../../migrations/index.js';
import { sqlSource } from '../database/sql-source.js';

/** MikroORM as the migrator: the owner's connection, migrations/ and the table that tracks them. */
export function migratorOptions(migrationUrl: string) {
  return defineConfig({
    clientUrl: migrationUrl,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: 1 },
    migrations: {
      migrationsList,
      tableName: 'business_store_service.mikro_orm_migrations',
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
    },
  });
}

/** Creates the database named in the URL if it is missing. */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL names no database');
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  client.on('error', () => undefined); // a lost connection surfaces as the failed query instead
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    return true;
  } catch (error) {
    // Two migrators racing: the other one created it first.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

export interface MigrateUrls {
  /** The owner's connection (MIGRATION_DATABASE_URL): runs the migrations. */
  migrationUrl: string;
  /** The service's own connection (DATABASE_URL): its user is the runtime role that gets the grants. */
  databaseUrl: string;
}

/**
 * Applies every pending migration as the owner; a second run is a no-op. Then, when the runtime
 * role is another role than the owner, grants it exactly what the service needs (db/grants.sql,
 * every run, so that the grants follow the source). Returns the names applied.
 */
export async function migrate(urls: MigrateUrls | string): Promise<string[]> {
  const { migrationUrl, databaseUrl } = typeof urls === 'string' ? { migrationUrl: urls, databaseUrl: urls } : urls;
  await createDatabaseIfMissing(migrationUrl);
  // Instances starting together (API and workers) take turns instead of racing on the same DDL.
  const lock = new pg.Client({ connectionString: migrationUrl });
  lock.on('error', () => undefined); // a lost connection surfaces as the failed query instead
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('business_store_service:migrate'))`);
    const orm = await MikroORM.init(migratorOptions(migrationUrl));
    let applied: string[];
    try {
      applied = (await orm.migrator.up()).map((m) => m.name);
    } finally {
      await orm.close(true);
    }
    const runtimeRole = decodeURIComponent(new URL(databaseUrl).username);
    const owner = (await lock.query<{ user: string }>('SELECT current_user AS user')).rows[0].user;
    if (runtimeRole && runtimeRole !== owner) {
      await lock.query(`SELECT pg_catalog.set_config('bss.runtime_role', $1, false)`, [runtimeRole]);
      await lock.query(await sqlSource('grants.sql'));
    }
    return applied;
  } finally {
    await lock.end();
  }
}
