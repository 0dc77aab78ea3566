/** Plain `pg` connections for the hot paths and the apply, which needs a connection of its own per job. */
export const PG_POOL = Symbol('PG_POOL');
