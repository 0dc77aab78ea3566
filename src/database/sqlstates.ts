/**
 * The SQLSTATEs that the service's database functions raise, declared once: the function sources
 * in db/functions/ name them as '{{NAME}}', which the loader (sql-source.ts) replaces with the code,
 * and TypeScript reads them from here.
 */
export const SQLSTATES = {
  /** The DDL no longer ran as the tenant's role when its attempt was to be recorded `success`. */
  LEFT_TENANT_ROLE: 'BSS01',
  /** The attempt was no longer pending (it had ended meanwhile). */
  NO_LONGER_PENDING: 'BSS02',
  /** A trusted DDL left a SECURITY DEFINER routine, a grant to another role, default privileges, role settings or large objects. */
  LEFT_FORBIDDEN_STATE: 'BSS03',
  /** A non-transactional definition's statement done out of order. */
  NOT_THE_NEXT_STATEMENT: 'BSS04',
  /** Another apply session lent the tenant is still in a transaction: the attempt waits. */
  EARLIER_SESSION_RUNNING: 'BSS05',
  /** The session is not lent the attempt's tenant, or the tenant is not locked by an apply. */
  NOT_THIS_SESSION: 'BSS06',
} as const;

export type SqlstateName = keyof typeof SQLSTATES;
