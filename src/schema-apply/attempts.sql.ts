/**
 * Accepts a batch of attempts in one round trip. Each input row is judged as the single
 * route would: unknown definition, version already applied, or an attempt already pending.
 * The partial unique indexes settle races (concurrent requests, duplicates in one batch):
 * ON CONFLICT DO NOTHING skips the loser, which then reads as pending.
 * An attempt recorded by the worker for a job added with plain BullMQ also gets its job id
 * (job_id not null) in attempt_jobs, in this same statement, so no record is ever without it.
 */
export const ACCEPT_ATTEMPTS_SQL = `
WITH input AS (
  SELECT *
  FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS i(ord, migration_id, tenant_schema_id, applied_by, job_id)
),
judged AS (
  SELECT i.*, s.tenant_id, s.version,
    (SELECT m.migration_id FROM business_store_service.schema_migrations m
      WHERE m.tenant_schema_id = i.tenant_schema_id AND m.status = 'success' LIMIT 1) AS applied_id,
    (SELECT m.migration_id FROM business_store_service.schema_migrations m
      WHERE m.tenant_schema_id = i.tenant_schema_id AND m.status = 'pending' LIMIT 1) AS pending_id
  FROM input i
  LEFT JOIN business_store_service.tenant_schemas s ON s.schema_id = i.tenant_schema_id
),
inserted AS (
  INSERT INTO business_store_service.schema_migrations (migration_id, tenant_schema_id, tenant_id, version_applied, applied_by)
  SELECT migration_id, tenant_schema_id, tenant_id, version, applied_by
  FROM judged
  WHERE tenant_id IS NOT NULL AND applied_id IS NULL AND pending_id IS NULL
  ORDER BY ord
  ON CONFLICT DO NOTHING
  RETURNING *
),
job_ids AS (
  INSERT INTO business_store_service.attempt_jobs (migration_id, job_id)
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

/** The BullMQ job ids of attempts whose job is not named by their migration id. */
export const ATTEMPT_JOB_IDS_SQL = `
SELECT migration_id, job_id FROM business_store_service.attempt_jobs WHERE migration_id = ANY ($1::uuid[])`;
