import type pg from 'pg';

/** The service's own schemas (tenants' schemas are the tenants'; bss_extensions holds what extensions made, listed as extensions). */
export const SERVICE_SCHEMAS = ['business_store_service', 'bss_gate', 'bss_catalog'];
const ALL_SCHEMAS = [...SERVICE_SCHEMAS, 'bss_extensions'];

/**
 * What the migrations make of a database, as text: functions (their whole definition, owner and
 * privileges), tables, views and sequences with their privileges, columns, constraints, indexes,
 * triggers, views' queries and the schemas' privileges. Two databases migrated to the same state
 * compare equal.
 */
export async function databaseStructure(db: Pick<pg.ClientBase, 'query'>): Promise<Record<string, unknown[]>> {
  const q = async (sql: string) => (await db.query<Record<string, unknown>>(sql, [SERVICE_SCHEMAS])).rows;
  return {
    schemas: (await db.query(`SELECT nspname, nspowner::regrole::text AS owner, nspacl::text AS acl FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`, [ALL_SCHEMAS])).rows,
    functions: await q(`
      SELECT p.oid::regprocedure::text AS signature, pg_get_functiondef(p.oid) AS definition, p.proowner::regrole::text AS owner, p.proacl::text AS acl
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY($1) ORDER BY 1`),
    relations: await q(`
      SELECT n.nspname, c.relname, c.relkind, c.relowner::regrole::text AS owner, c.relacl::text AS acl
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1) ORDER BY 1, 2`),
    columns: await q(`
      SELECT table_schema, table_name, column_name, ordinal_position, data_type, character_maximum_length, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = ANY($1) ORDER BY 1, 2, 4`),
    columnPrivileges: await q(`
      SELECT c.relname, a.attname, a.attacl::text AS acl FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND a.attacl IS NOT NULL ORDER BY 1, 2`),
    constraints: await q(`
      SELECT n.nspname, conrelid::regclass::text AS rel, conname, pg_get_constraintdef(c.oid) AS def
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = ANY($1) ORDER BY 1, 2, 3`),
    indexes: await q(`SELECT schemaname, indexname, indexdef FROM pg_indexes WHERE schemaname = ANY($1) ORDER BY 1, 2`),
    triggers: await q(`
      SELECT t.tgname, pg_get_triggerdef(t.oid) AS def FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND NOT t.tgisinternal ORDER BY 1`),
    views: await q(`SELECT schemaname, viewname, definition FROM pg_views WHERE schemaname = ANY($1) ORDER BY 1, 2`),
    extensions: (await db.query(`SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = ANY($1) ORDER BY 1`, [ALL_SCHEMAS])).rows,
  };
}
