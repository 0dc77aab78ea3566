import { Migrator } from '@mikro-orm/migrations';
import { defineConfig } from '@mikro-orm/postgresql';
import { PostgresDialect } from 'kysely';
import type pg from 'pg';
import { migrationsList } from '../../migrations/index.js';
import { SchemaMigration } from '../audit/schema-migration.entity.js';
import { TenantSchema } from '../tenant-schemas/tenant-schema.entity.js';

export const SERVICE_SCHEMA = 'business_store_service';

/**
 * The one MikroORM configuration, shared by the service, `npm run migrate` and the tests. Given the
 * service's pool (PG_POOL), MikroORM borrows it instead of opening a second one; the pool's owner
 * (PgPoolModule) ends it, after everything that uses it has stopped.
 */
export function ormOptions(databaseUrl: string, pool?: pg.Pool) {
  return defineConfig({
    clientUrl: databaseUrl,
    ...(pool ? { driverOptions: new PostgresDialect({ pool: { connect: () => pool.connect(), end: () => Promise.resolve(), options: pool.options } }) } : {}),
    entities: [SchemaMigration, TenantSchema],
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: 10 },
    migrations: {
      migrationsList,
      tableName: `${SERVICE_SCHEMA}.mikro_orm_migrations`,
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
    },
  });
}
