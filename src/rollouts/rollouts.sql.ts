// A rollout's SQL: creation, reads, and one pass of its progress (rollout-progress.service.ts).
const S = 'business_store_service';

export const INSERT_ROLLOUT_SQL = `
INSERT INTO ${S}.rollouts (target_version, applied_by, max_parallel, max_failed, max_failed_percent, status, reason, on_drift)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING rollout_id`;

export const INSERT_WAVES_SQL = `
INSERT INTO ${S}.rollout_waves (rollout_id, wave_index, size)
SELECT $1, (u.i - 1)::int, u.size FROM unnest($2::int[]) WITH ORDINALITY AS u(size, i)`;

/** Tenants in the given order; a tenant's wave is the number of wave ends before its position. */
export const INSERT_TENANTS_SQL = `
INSERT INTO ${S}.rollout_tenants (rollout_id, position, tenant_id, wave_index)
SELECT $1, t.ord::int, t.tenant_id, (SELECT count(*) FROM unnest($3::int[]) AS b(wave_end) WHERE b.wave_end < t.ord)::int
FROM unnest($2::uuid[]) WITH ORDINALITY AS t(tenant_id, ord)`;

const ROLLOUT_COLUMNS = `r.rollout_id, r.status, r.reason, r.target_version, r.applied_by, r.max_parallel, r.max_failed,
  r.max_failed_percent::float8 AS max_failed_percent, r.total, r.queued, r.running, r.success, r.failed, r.skipped,
  r.failed_forgiven, r.ended_forgiven, r.on_drift, r.created_at, r.updated_at, r.finished_at`;

export const ROLLOUT_SQL = `SELECT ${ROLLOUT_COLUMNS} FROM ${S}.rollouts r WHERE r.rollout_id = $1`;
export const LOCK_ROLLOUT_SQL = `${ROLLOUT_SQL} FOR UPDATE`;

export const WAVES_SQL = `
SELECT wave_index, size, status, queued, running, success, failed, skipped FROM ${S}.rollout_waves WHERE rollout_id = $1 ORDER BY wave_index`;

/** Newest first, by (created_at, rollout_id); `$2` status or null, `$3`/`$4` the cursor or nulls. */
export const LIST_ROLLOUTS_SQL = `
SELECT ${ROLLOUT_COLUMNS},
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at
FROM ${S}.rollouts r
WHERE ($2::text IS NULL OR r.status = $2)
  AND ($3::timestamptz IS NULL OR (r.created_at, r.rollout_id) < ($3::timestamptz, $4::uuid))
ORDER BY r.created_at DESC, r.rollout_id DESC
LIMIT $1`;

/** A page of a rollout's tenants by position, with the attempts each made or followed (in no order: the audit log orders them). */
export const LIST_TENANTS_SQL = `
SELECT rt.position, rt.tenant_id, rt.status, rt.from_version, rt.current_version, rt.details,
       ARRAY(SELECT ra.migration_id FROM ${S}.rollout_attempts ra WHERE ra.rollout_id = rt.rollout_id AND ra.tenant_id = rt.tenant_id) AS migration_ids
FROM ${S}.rollout_tenants rt
WHERE rt.rollout_id = $1 AND ($2::text IS NULL OR rt.status = $2) AND rt.position > $3
ORDER BY rt.position
LIMIT $4`;

// ---- one pass of a rollout's progress ------------------------------------------------------

/** The attempts the running tenants wait on. */
export const RUNNING_ATTEMPTS_SQL = `
SELECT attempt_id FROM ${S}.rollout_tenants WHERE rollout_id = $1 AND status = 'running' AND attempt_id IS NOT NULL`;

/**
 * Running tenants whose attempt ended ($3..$6, from the audit log): failed, at the target, or
 * (success below the target) still running with no attempt, to be given the next version.
 */
export const OBSERVE_ENDED_SQL = `
UPDATE ${S}.rollout_tenants rt
SET status = CASE WHEN m.status = 'failed' THEN 'failed' WHEN m.version_applied >= $2 THEN 'success' ELSE 'running' END,
    current_version = CASE WHEN m.status = 'success' THEN m.version_applied ELSE rt.current_version END,
    details = CASE WHEN m.status = 'failed' THEN format('version %s failed (migration %s): %s', m.version_applied, m.migration_id, m.details) END,
    attempt_id = CASE WHEN m.status = 'failed' OR m.version_applied >= $2 THEN rt.attempt_id END
FROM unnest($3::uuid[], $4::text[], $5::int[], $6::text[]) AS m(migration_id, status, version_applied, details)
WHERE rt.rollout_id = $1 AND rt.status = 'running' AND rt.attempt_id = m.migration_id
RETURNING rt.tenant_id, rt.status, rt.wave_index`;

/** Running tenants waiting for their next version (or whose last start lost a race). */
export const TO_ADVANCE_SQL = `
SELECT tenant_id FROM ${S}.rollout_tenants
WHERE rollout_id = $1 AND status = 'running' AND attempt_id IS NULL
ORDER BY position`;

export const NEXT_QUEUED_SQL = `
SELECT tenant_id FROM ${S}.rollout_tenants
WHERE rollout_id = $1 AND status = 'queued' AND wave_index = $2
ORDER BY position
LIMIT $3`;

export const WAVE_OPEN_SQL = `
SELECT EXISTS (SELECT 1 FROM ${S}.rollout_tenants WHERE rollout_id = $1 AND status = 'running' AND wave_index = $2)
    OR EXISTS (SELECT 1 FROM ${S}.rollout_tenants WHERE rollout_id = $1 AND status = 'queued' AND wave_index = $2) AS open`;

export const WAVE_SUMMARY_SQL = `
SELECT count(*) FILTER (WHERE status = 'success')::int AS success, count(*) FILTER (WHERE status = 'failed')::int AS failed,
       count(*) FILTER (WHERE status = 'skipped')::int AS skipped, count(*) FILTER (WHERE status = 'queued')::int AS queued
FROM ${S}.rollout_tenants WHERE rollout_id = $1 AND wave_index = $2`;

export const SET_WAVE_STATUS_SQL = `UPDATE ${S}.rollout_waves SET status = $3 WHERE rollout_id = $1 AND wave_index = $2`;

export const LINK_ATTEMPTS_SQL = `
INSERT INTO ${S}.rollout_attempts (rollout_id, migration_id, tenant_id)
SELECT $1, l.migration_id, l.tenant_id FROM unnest($2::uuid[], $3::uuid[]) AS l(migration_id, tenant_id)
ON CONFLICT DO NOTHING`;

export const UPDATE_TENANTS_SQL = `
UPDATE ${S}.rollout_tenants rt
SET status = u.status, attempt_id = u.attempt_id, current_version = u.current_version, details = u.details,
    from_version = COALESCE(rt.from_version, u.current_version)
FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::int[], $6::text[]) AS u(tenant_id, status, attempt_id, current_version, details)
WHERE rt.rollout_id = $1 AND rt.tenant_id = u.tenant_id`;

export const SET_ROLLOUT_STATUS_SQL = `
UPDATE ${S}.rollouts SET status = $2, reason = $3, updated_at = clock_timestamp(),
       finished_at = CASE WHEN $4::boolean THEN clock_timestamp() ELSE finished_at END
WHERE rollout_id = $1`;

/** A cancelled rollout's tenants between versions: back to queued, where they stay. */
export const REQUEUE_TENANTS_SQL = `
UPDATE ${S}.rollout_tenants SET status = 'queued', details = 'rollout cancelled before its next version'
WHERE rollout_id = $1 AND tenant_id = ANY($2::uuid[])`;
