import pg from 'pg';

/** A direct connection to the run's database, for arranging and checking rows. */
export function testPool(): pg.Pool {
  return new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
}
