import { Migrator } from '@mikro-orm/migrations';
import { defineConfig } from '@mikro-orm/postgresql';
import { migrationsList } from '../../migrations/index.js';
import { SchemaMigration } from '../audit/schema-migration.entity.js';
import { TenantSchema } from '../tenant-schemas/tenant-schema.entity.js';

export const SERVICE_SCHEMA = 'business_store_service';

/** The one MikroORM configuration, shared by the service, `npm run migrate` and the tests. */
export function ormOptions(databaseUrl: string) {
  return defineConfig({
    clientUrl: databaseUrl,
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
