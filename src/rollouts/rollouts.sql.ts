// A rollout's SQL: creation, reads, and one pass of its progress (rollout-progress.service.ts).
const S = 'business_store_service';

export const INSERT_ROLLOUT_SQL = `
INSERT INTO ${S}.rollouts (target_version, applied_by, max_parallel, max_failed, max_failed_percent, status, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING rollout_id`;

export const INSERT_WAVES_SQL = `
INSERT INTO ${S}.rollout_waves (rollout_id, wave_index, size)
SELECT $1, (u.i - 1)::int, u.size FROM unnest($2::int[]) WITH ORDINALITY AS u(size, i)`;

/** Tenants in the given order; a tenant's wave is the number of wave ends before its position. */
export const INSERT_TENANTS_SQL = `
INSERT INTO ${S}.rollout_tenants (rollout_id, position, tenant_id, wave_index)
SELECT $1, t.ord::int, t.tenant_id, (SELECT count(*) FROM unnest($3::int[]) AS b(wave_end) WHERE b.wave_end < t.ord)::int
FROM unnest($2::uuid[]) WITH ORDINALITY AS t(tenant_id, ord)`;

/** The selector: every tenant with a definition of the target version that is below it, ascending. */
export const SELECT_TENANTS_BELOW_SQL = `
SELECT s.tenant_id FROM ${S}.tenant_schemas s
WHERE s.version = $1
  AND NOT EXISTS (SELECT 1 FROM ${S}.schema_migrations m
                  WHERE m.tenant_id = s.tenant_id AND m.status = 'success' AND m.version_applied >= $1)
ORDER BY s.tenant_id`;

const ROLLOUT_COLUMNS = `r.rollout_id, r.status, r.reason, r.target_version, r.applied_by, r.max_parallel, r.max_failed,
  r.max_failed_percent::float8 AS max_failed_percent, r.total, r.queued, r.running, r.success, r.failed, r.skipped,
  r.failed_forgiven, r.ended_forgiven, r.created_at, r.updated_at, r.finished_at`;

export const ROLLOUT_SQL = `SELECT ${ROLLOUT_COLUMNS} FROM ${S}.rollouts r WHERE r.rollout_id = $1`;
export const LOCK_ROLLOUT_SQL = `${ROLLOUT_SQL} FOR UPDATE`;

export const WAVES_SQL = `SELECT wave_index, size, status FROM ${S}.rollout_waves WHERE rollout_id = $1 ORDER BY wave_index`;

/** Newest first, by (created_at, rollout_id); `$2` status or null, `$3`/`$4` the cursor or nulls. */
export const LIST_ROLLOUTS_SQL = `
SELECT ${ROLLOUT_COLUMNS},
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at
FROM ${S}.rollouts r
WHERE ($2::text IS NULL OR r.status = $2)
  AND ($3::timestamptz IS NULL OR (r.created_at, r.rollout_id) < ($3::timestamptz, $4::uuid))
ORDER BY r.created_at DESC, r.rollout_id DESC
LIMIT $1`;

/** A page of a rollout's tenants by position, with the attempts each made or followed, oldest first. */
export const LIST_TENANTS_SQL = `
SELECT rt.position, rt.tenant_id, rt.status, rt.from_version, rt.current_version, rt.details,
       COALESCE(a.ids, '{}') AS migration_ids
FROM ${S}.rollout_tenants rt
LEFT JOIN LATERAL (
  SELECT array_agg(ra.migration_id ORDER BY m.version_applied, m.created_at) AS ids
  FROM ${S}.rollout_attempts ra JOIN ${S}.schema_migrations m ON m.migration_id = ra.migration_id
  WHERE ra.rollout_id = rt.rollout_id AND ra.tenant_id = rt.tenant_id
) a ON true
WHERE rt.rollout_id = $1 AND ($2::text IS NULL OR rt.status = $2) AND rt.position > $3
ORDER BY rt.position
LIMIT $4`;

// ---- one pass of a rollout's progress ------------------------------------------------------

/**
 * Running tenants whose attempt ended: failed, at the target, or (success below the target)
 * still running with no attempt, to be given the next version.
 */
export const OBSERVE_ENDED_SQL = `
UPDATE ${S}.rollout_tenants rt
SET status = CASE WHEN m.status = 'failed' THEN 'failed' WHEN m.version_applied >= $2 THEN 'success' ELSE 'running' END,
    current_version = CASE WHEN m.status = 'success' THEN m.version_applied ELSE rt.current_version END,
    details = CASE WHEN m.status = 'failed' THEN format('version %s failed (migration %s): %s', m.version_applied, m.migration_id, m.details) END,
    attempt_id = CASE WHEN m.status = 'failed' OR m.version_applied >= $2 THEN rt.attempt_id END
FROM ${S}.schema_migrations m
WHERE rt.rollout_id = $1 AND rt.status = 'running' AND m.migration_id = rt.attempt_id AND m.status <> 'pending'
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

/**
 * Where each tenant of a batch stands: its current version, its pending attempt if any (to be
 * followed, never doubled), and the first version up to the target that has no definition.
 */
export const TENANT_STATE_SQL = `
WITH state AS (
  SELECT b.tenant_id,
         COALESCE((SELECT max(m.version_applied) FROM ${S}.schema_migrations m
                   WHERE m.tenant_id = b.tenant_id AND m.status = 'success'), 0) AS current_version,
         p.migration_id AS pending_id, p.version_applied AS pending_version
  FROM unnest($1::uuid[]) AS b(tenant_id)
  LEFT JOIN LATERAL (SELECT m.migration_id, m.version_applied FROM ${S}.schema_migrations m
                     WHERE m.tenant_id = b.tenant_id AND m.status = 'pending'
                     ORDER BY m.version_applied LIMIT 1) p ON true
)
SELECT s.tenant_id, s.current_version, s.pending_id, s.pending_version,
       (SELECT min(v) FROM generate_series(s.current_version + 1, $2::int) AS v
        WHERE NOT EXISTS (SELECT 1 FROM ${S}.tenant_schemas d WHERE d.tenant_id = s.tenant_id AND d.version = v)) AS missing_version
FROM state s`;

/** New pending attempts, as the API records them; a conflict (someone else's pending attempt) is skipped. */
// Stamped when inserted, not when the pass began: a pass may begin before the ends it then acts
// on, so each record's created_at follows the ends that let it start.
export const INSERT_ATTEMPTS_SQL = `
INSERT INTO ${S}.schema_migrations (tenant_schema_id, tenant_id, version_applied, applied_by, created_at, updated_at)
SELECT d.schema_id, d.tenant_id, d.version, $3, stamp.at, stamp.at
FROM unnest($1::uuid[], $2::int[]) AS w(tenant_id, version)
JOIN ${S}.tenant_schemas d ON d.tenant_id = w.tenant_id AND d.version = w.version
CROSS JOIN (SELECT clock_timestamp() AS at) AS stamp
ON CONFLICT DO NOTHING
RETURNING migration_id, tenant_schema_id, tenant_id, version_applied, applied_by`;

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

/** Has an attempt of a running tenant ended (the pass has something to observe)? */
export const ANY_ENDED_SQL = `
SELECT EXISTS (
  SELECT 1 FROM ${S}.rollout_tenants rt JOIN ${S}.schema_migrations m ON m.migration_id = rt.attempt_id
  WHERE rt.rollout_id = $1 AND rt.status = 'running' AND m.status <> 'pending') AS ended`;
