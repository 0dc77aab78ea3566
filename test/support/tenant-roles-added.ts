import type pg from 'pg';

/**
 * Roles in `after` that `before` lacks. Earlier suites' attempts (one queue prefix per run) may
 * still provision tenants while a suite runs, so a snapshot of cluster-wide roles can grow; a new
 * role is accepted only as a tenant role that owns its tenant's schema (no DDL can make one).
 */
export async function tenantRolesAdded(db: pg.Pool, before: Record<string, unknown>[], after: Record<string, unknown>[]): Promise<Set<string>> {
  const known = new Set(before.map((r) => r.rolname as string));
  const added = after.map((r) => r.rolname as string).filter((name) => !known.has(name));
  const { rows } = await db.query<{ nspname: string; owner: string }>(`SELECT nspname, nspowner::regrole::text AS owner FROM pg_namespace WHERE nspowner::regrole::text = ANY($1)`, [added]);
  const owned = new Map(rows.map((r) => [r.owner, r.nspname]));
  for (const name of added) {
    const hex = /^bss_tenant_([0-9a-f]{32})_[0-9a-f]+$/.exec(name)?.[1];
    if (!hex || owned.get(name) !== `tenant_${hex}`) throw new Error(`role ${name} appeared, and it is not a tenant role owning its tenant's schema`);
  }
  return new Set(added);
}
