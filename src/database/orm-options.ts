import { defineConfig } from '@mikro-orm/postgresql';
import { PostgresDialect } from 'kysely';
import type pg from 'pg';

/**
 * The service's MikroORM. It borrows the service's pool (PG_POOL) instead of opening a second
 * one; the pool's owner (PgPoolModule) ends it, after everything that uses it has stopped. The
 * entities come from the feature modules (MikroOrmModule.forFeature, autoLoadEntities).
 */
export function ormOptions(databaseUrl: string, pool: pg.Pool) {
  return defineConfig({
    clientUrl: databaseUrl,
    driverOptions: new PostgresDialect({ pool: { connect: () => pool.connect(), end: () => Promise.resolve(), options: pool.options } }),
    discovery: { warnWhenNoEntities: false },
  });
}
