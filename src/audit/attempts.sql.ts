/*
 * Every statement the service sends that reads or writes schema_migrations (the audit log, one
 * row an attempt) and attempt_jobs: this file and the database's own functions (db/functions/) are
 * the only places that do. attempts.repository.ts runs them; the apply composes the four it sends
 * on its own connection (claim, end, finish, gate finish) into its round trips.
 */
import type { MigrationStatus } from './schema-migration.entity.js';

const S = 'business_store_service';

/** A tenant's current version: its highest successful attempt (versions apply in order), 0 without one. */
export const currentVersionOf = (tenantId: string) =>
  `COALESCE((SELECT max(cv.version_applied) FROM ${S}.schema_migrations cv WHERE cv.tenant_id = ${tenantId} AND cv.status = 'success'), 0)`;

// ---- recording attempts ------------------------------------------------------------------------

/**
 * Records a batch of attempts in one round trip. Each input row is judged as the single route
 * would: unknown definition, version already applied, or an attempt already pending. The partial
 * unique indexes settle races (concurrent requests, duplicates in one batch): ON CONFLICT DO
 * NOTHING skips the loser, which then reads as pending. An attempt recorded by the worker for a
 * job added with plain BullMQ also gets its job id (job_id not null) in attempt_jobs, in this
 * same statement, so no attempt is ever without it.
 */
export const ACCEPT_ATTEMPTS_SQL = `
WITH input AS (
  SELECT *
  FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS i(ord, migration_id, tenant_schema_id, applied_by, job_id)
),
judged AS (
  SELECT i.*, s.tenant_id, s.version,
    (SELECT m.migration_id FROM ${S}.schema_migrations m
      WHERE m.tenant_schema_id = i.tenant_schema_id AND m.status = 'success' LIMIT 1) AS applied_id,
    (SELECT m.migration_id FROM ${S}.schema_migrations m
      WHERE m.tenant_schema_id = i.tenant_schema_id AND m.status = 'pending' LIMIT 1) AS pending_id
  FROM input i
  LEFT JOIN ${S}.tenant_schemas s ON s.schema_id = i.tenant_schema_id
),
inserted AS (
  INSERT INTO ${S}.schema_migrations (migration_id, tenant_schema_id, tenant_id, version_applied, applied_by)
  SELECT migration_id, tenant_schema_id, tenant_id, version, applied_by
  FROM judged
  WHERE tenant_id IS NOT NULL AND applied_id IS NULL AND pending_id IS NULL
  ORDER BY ord
  ON CONFLICT DO NOTHING
  RETURNING *
),
job_ids AS (
  INSERT INTO ${S}.attempt_jobs (migration_id, job_id)
  SELECT ins.migration_id, i.job_id
  FROM inserted ins
  JOIN input i ON i.migration_id = ins.migration_id
  WHERE i.job_id IS NOT NULL
)
SELECT j.ord, j.tenant_schema_id AS input_schema_id, j.tenant_id AS schema_tenant_id, j.version,
       j.applied_id, j.pending_id, ins.*
FROM judged j
LEFT JOIN inserted ins ON ins.migration_id = j.migration_id
ORDER BY j.ord`;

/**
 * A rollout's new pending attempts, as the routes record them; a conflict (someone else's pending
 * attempt) is skipped. Stamped when inserted, not when the rollout's pass began: a pass may begin
 * before the ends it then acts on, so each attempt's created_at follows the ends that let it start.
 */
export const RECORD_FOR_ROLLOUT_SQL = `
INSERT INTO ${S}.schema_migrations (tenant_schema_id, tenant_id, version_applied, applied_by, created_at, updated_at)
SELECT d.schema_id, d.tenant_id, d.version, $3, stamp.at, stamp.at
FROM unnest($1::uuid[], $2::int[]) AS w(tenant_id, version)
JOIN ${S}.tenant_schemas d ON d.tenant_id = w.tenant_id AND d.version = w.version
CROSS JOIN (SELECT clock_timestamp() AS at) AS stamp
ON CONFLICT DO NOTHING
RETURNING migration_id, tenant_schema_id, tenant_id, version_applied, applied_by`;

/** The BullMQ job ids of attempts whose job is not named by their migration id. */
export const ATTEMPT_JOB_IDS_SQL = `SELECT migration_id, job_id FROM ${S}.attempt_jobs WHERE migration_id = ANY ($1::uuid[])`;

// ---- one attempt's life (the apply's own connection) ----------------------------------------------

/** Reads the attempt and tries its tenant's lock; see db/functions/business_store_service.claim_attempt.sql. */
export const claimStatement = (migrationId: string) => `SELECT * FROM ${S}.claim_attempt(${migrationId}, true)`;

/** Ends the attempt (only a pending one), listing the tenant's other pending attempts to wake. */
export const endStatement = (migrationId: string, status: 'success' | 'failed', details: string) =>
  `SELECT ended, waiting FROM ${S}.end_attempt(${migrationId}, '${status}', ${details})`;

/** A strict attempt's success, in the transaction of its DDL (checks the role it ran as). */
export const finishStatement = (migrationId: string, details: string) => `SELECT ended, waiting FROM ${S}.finish_attempt(${migrationId}, ${details})`;

/** A trusted attempt's success, from the apply session, through the gate. */
export const gateFinishStatement = (migrationId: string, details: string) => `SELECT ended, waiting FROM bss_gate.finish_attempt(${migrationId}, ${details})`;

export const END_ATTEMPT_SQL = `SELECT ended, waiting FROM ${S}.end_attempt($1, $2, $3)`;

/** Waits for the tenant's lock (transaction level): ending an attempt whose tries are used up is quick and must not be skipped. */
export const LOCK_TENANT_OF_SQL = `
SELECT m.tenant_id, pg_advisory_xact_lock(${S}.tenant_lock_key(m.tenant_id))
FROM ${S}.schema_migrations m
WHERE m.migration_id = $1`;

/** Could a parked attempt run now? Its tenant is free and its previous version is no longer pending. */
export const ATTEMPT_READY_SQL = `
SELECT pg_try_advisory_xact_lock(${S}.tenant_lock_key(m.tenant_id))
       AND NOT EXISTS (SELECT 1 FROM ${S}.schema_migrations p
                       WHERE p.tenant_id = m.tenant_id AND p.version_applied = m.version_applied - 1
                         AND p.status = 'pending') AS ready
FROM ${S}.schema_migrations m
WHERE m.migration_id = $1`;

/** Where a tenant's versions stand for version $2: its current version, and whether version $2 - 1 is pending. */
export const STANDING_SQL = `
SELECT COALESCE(max(version_applied) FILTER (WHERE status = 'success'), 0) AS current_version,
       COALESCE(bool_or(version_applied = $2 - 1 AND status = 'pending'), false) AS previous_pending,
       (array_agg(migration_id) FILTER (WHERE status = 'pending'))[1] AS pending_id
FROM ${S}.schema_migrations WHERE tenant_id = $1`;

// ---- reads -------------------------------------------------------------------------------------

export const BY_ID_SQL = `SELECT * FROM ${S}.schema_migrations WHERE migration_id = $1`;

/** Every attempt at one definition, newest first; no row at all when the definition does not exist. */
export const FOR_DEFINITION_SQL = `
SELECT m.*
FROM ${S}.tenant_schemas s
LEFT JOIN ${S}.schema_migrations m
  ON m.tenant_schema_id = s.schema_id AND ($2::text IS NULL OR m.status = $2)
WHERE s.schema_id = $1
ORDER BY m.created_at DESC, m.migration_id DESC`;

/** A tenant's latest success: its current version (versions apply in order). */
export const LATEST_SUCCESS_SQL = `
SELECT migration_id, version_applied, updated_at
FROM ${S}.schema_migrations
WHERE tenant_id = $1 AND status = 'success'
ORDER BY version_applied DESC
LIMIT 1`;

/** Pending attempts older than $1 seconds, with the job of one added with plain BullMQ; oldest first. */
export const PENDING_SQL = `
SELECT m.migration_id, m.tenant_schema_id, m.tenant_id, m.version_applied, m.applied_by, j.job_id
FROM ${S}.schema_migrations m
LEFT JOIN ${S}.attempt_jobs j ON j.migration_id = m.migration_id
WHERE m.status = 'pending' AND m.created_at < now() - make_interval(secs => $1)
ORDER BY m.created_at
LIMIT $2`;

/**
 * A timestamp as the API prints it (what Date#toISOString gives, milliseconds truncated), made
 * by PostgreSQL: parsing 100 timestamps into Dates and printing them again cost a page read
 * about a tenth of the API's CPU.
 */
function isoMillis(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * A tenant's attempts, newest first: an index scan of schema_migrations_tenant_history_idx
 * with no sort (proved by test/schema.e2e-spec.ts). One extra row tells whether a next page exists.
 * cursor_created_at is exact to the microsecond, unlike a JS Date, so pages never skip or repeat.
 */
export function tenantHistorySql(tenantId: string, page: { limit: number; status?: MigrationStatus; cursor?: { createdAt: string; migrationId: string } }) {
  const params: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  if (page.status) {
    params.push(page.status);
    where.push(`status = $${params.length}`);
  }
  if (page.cursor) {
    params.push(page.cursor.createdAt, page.cursor.migrationId);
    where.push(`(created_at, migration_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(page.limit + 1);
  const sql = `SELECT migration_id, tenant_schema_id, tenant_id, version_applied, status, details, applied_by,
       ${isoMillis('created_at')} AS created_at_iso, ${isoMillis('updated_at')} AS updated_at_iso,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at
FROM ${S}.schema_migrations
WHERE ${where.join(' AND ')}
ORDER BY created_at DESC, migration_id DESC
LIMIT $${params.length}`;
  // Four shapes of query, each prepared once per connection.
  return { name: `tenant_history_${page.status ? 's' : ''}${page.cursor ? 'c' : ''}`, sql, params };
}

// ---- for rollouts ------------------------------------------------------------------------------

/** Every tenant with a definition of version $1 that is below it, ascending (a rollout's selector). */
export const TENANTS_BELOW_SQL = `
SELECT s.tenant_id FROM ${S}.tenant_schemas s
WHERE s.version = $1
  AND NOT EXISTS (SELECT 1 FROM ${S}.schema_migrations m
                  WHERE m.tenant_id = s.tenant_id AND m.status = 'success' AND m.version_applied >= $1)
ORDER BY s.tenant_id`;

/**
 * Where each tenant of a batch stands: its current version, its pending attempt if any (to be
 * followed, never doubled), and the first version up to target $2 that has no definition.
 */
export const TENANT_STANDING_SQL = `
WITH state AS (
  SELECT b.tenant_id, ${currentVersionOf('b.tenant_id')} AS current_version,
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

/** Of these attempts, the ones that have ended, with how. */
export const ENDED_AMONG_SQL = `
SELECT migration_id, status, version_applied, details FROM ${S}.schema_migrations
WHERE migration_id = ANY ($1::uuid[]) AND status <> 'pending'`;

/** Whether any of these attempts has ended. */
export const ANY_ENDED_SQL = `
SELECT EXISTS (SELECT 1 FROM ${S}.schema_migrations WHERE migration_id = ANY ($1::uuid[]) AND status <> 'pending') AS ended`;

/** These attempts' versions and ages, to list a tenant's attempts in the order they applied. */
export const VERSIONS_OF_SQL = `
SELECT migration_id, version_applied FROM ${S}.schema_migrations
WHERE migration_id = ANY ($1::uuid[])
ORDER BY version_applied, created_at`;

/** A tenant's next definition, if its version is at most $2. */
export const NEXT_DEFINITION_SQL = `
SELECT d.schema_id, d.version
FROM ${S}.tenant_schemas d
WHERE d.tenant_id = $1 AND d.version = ${currentVersionOf('$1')} + 1 AND d.version <= $2`;

// ---- for drift and the fleet ---------------------------------------------------------------------

/**
 * Where each tenant of a batch stands for a drift check: its current version, a pending attempt
 * (an apply in progress is not drift), and its history key: the definitions that made its
 * version, as their checksums, policies and transactional flags in version order (tenants with
 * the same key have the same expected schema). Tenants without a definition are left out.
 */
export const DRIFT_STANDING_SQL = `
SELECT b.tenant_id, v.current_version,
       (SELECT m.migration_id FROM ${S}.schema_migrations m WHERE m.tenant_id = b.tenant_id AND m.status = 'pending' LIMIT 1) AS pending_id,
       (SELECT md5(string_agg(d.checksum || ':' || d.policy || ':' || d.transactional, ',' ORDER BY d.version))
        FROM ${S}.tenant_schemas d WHERE d.tenant_id = b.tenant_id AND d.version <= v.current_version) AS history_key
FROM unnest($1::uuid[]) AS b(tenant_id)
CROSS JOIN LATERAL (SELECT ${currentVersionOf('b.tenant_id')} AS current_version) v
WHERE EXISTS (SELECT 1 FROM ${S}.tenant_schemas d WHERE d.tenant_id = b.tenant_id)`;

/** Every tenant with an applied version, ascending (a fleet drift check's default). */
export const APPLIED_TENANTS_SQL = `SELECT DISTINCT tenant_id FROM ${S}.schema_migrations WHERE status = 'success' ORDER BY tenant_id`;

/**
 * The fleet by current version (every tenant with a definition, version 0 included): how many
 * tenants stand there, how many of them have an attempt pending, and how many whose latest
 * attempt failed.
 */
export const FLEET_VERSIONS_SQL = `
WITH tenants AS (
  SELECT t.tenant_id, ${currentVersionOf('t.tenant_id')} AS version,
         EXISTS (SELECT 1 FROM ${S}.schema_migrations m WHERE m.tenant_id = t.tenant_id AND m.status = 'pending') AS pending,
         (SELECT m.status FROM ${S}.schema_migrations m WHERE m.tenant_id = t.tenant_id
          ORDER BY m.created_at DESC, m.migration_id DESC LIMIT 1) = 'failed' AS failed
  FROM (SELECT DISTINCT tenant_id FROM ${S}.tenant_schemas) t
)
SELECT version, count(*)::int AS tenants, count(*) FILTER (WHERE pending)::int AS pending, count(*) FILTER (WHERE failed)::int AS failed
FROM tenants GROUP BY version ORDER BY version`;

// ---- retention ---------------------------------------------------------------------------------

/** What a purge now would delete (see db/functions/business_store_service.purgeable_schema_migrations.sql). */
export const COUNT_PURGEABLE_SQL = `SELECT count(*) AS n FROM ${S}.purgeable_schema_migrations($1)`;

/** One batch of the purge, as the purge role. */
export const PURGE_BATCH_SQL = `SELECT ${S}.purge_schema_migrations($1, $2) AS deleted`;
