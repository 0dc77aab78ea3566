import { RESERVED_TENANT_PREFIX } from '../common/reserved-tenants.js';

/** Scratch tenants per database: at most this many replays run at once. */
export const REPLAY_SLOTS = 32;

/** The scratch tenant of slot `n`: a reserved tenant id. */
export const replaySlot = (n: number) => `${RESERVED_TENANT_PREFIX}${n.toString(16).padStart(8, '0')}`;

/** The definitions of a tenant's versions 1..$2, to replay. */
export const HISTORY_SQL = `
SELECT version, ddl, policy, transactional FROM business_store_service.tenant_schemas
WHERE tenant_id = $1 AND version <= $2 ORDER BY version`;

/** The scratch tenant's lock, tried at session level (as an attempt takes its tenant's). */
export const TAKE_SLOT_SQL = 'SELECT pg_catalog.pg_try_advisory_lock(business_store_service.tenant_lock_key($1)) AS taken';
