import type pg from 'pg';

/**
 * What a schema holds, as text with the schema's own name replaced by `S`: tables and columns,
 * constraints, indexes (with validity), triggers, routines, enum labels, sequences (with their
 * last values), and row counts. Two schemas built by the same DDL compare equal.
 */
export async function schemaSnapshot(db: pg.Pool, schema: string): Promise<Record<string, unknown>> {
  const q = async <R extends pg.QueryResultRow = Record<string, unknown>>(sql: string) => (await db.query<R>(sql, [schema])).rows;
  const tables = await q<{ relname: string }>(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`);
  const rows: Record<string, number> = {};
  for (const { relname } of tables) rows[relname] = Number((await db.query<{ count: string }>(`SELECT count(*) FROM ${schema}.${relname}`)).rows[0].count);
  const snapshot = {
    columns: await q(`SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default, is_identity
                      FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`),
    constraints: await q(`SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(c.oid) AS def
                          FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 ORDER BY 1, 2`),
    indexes: await q(`SELECT ci.relname, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid
                      FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ci.relnamespace
                      WHERE n.nspname = $1 ORDER BY 1`),
    triggers: await q(`SELECT t.tgname, pg_get_triggerdef(t.oid) AS def FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY 1`),
    routines: await q(`SELECT p.proname, pg_get_functiondef(p.oid) AS def, p.prosecdef FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                       WHERE n.nspname = $1 ORDER BY 1`),
    enums: await q(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels FROM pg_type t
                    JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 GROUP BY 1 ORDER BY 1`),
    sequences: await q(`SELECT sequencename, data_type::text, last_value::text FROM pg_sequences WHERE schemaname = $1 ORDER BY 1`),
    rows,
  };
  return JSON.parse(JSON.stringify(snapshot).replaceAll(schema, 'S')) as Record<string, unknown>;
}
