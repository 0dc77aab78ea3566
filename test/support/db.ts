import pg from 'pg';

/** The owner's connection to the run's database (as a DBA would have), for arranging and checking rows. */
export function testPool(): pg.Pool {
  return new pg.Pool({ connectionString: process.env.MIGRATION_DATABASE_URL, max: 4 });
}

/** The service's own runtime role's connection, for proving what it cannot do. */
export function runtimePool(): pg.Pool {
  return new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
}
