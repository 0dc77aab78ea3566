-- The same for INSERT (old_rows/new_rows must both exist for one function, and INSERT has no old_rows).
CREATE OR REPLACE FUNCTION business_store_service.rollout_tenants_count_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
  UPDATE business_store_service.rollout_waves w
  SET queued = w.queued + d.queued, running = w.running + d.running,
      success = w.success + d.success, failed = w.failed + d.failed, skipped = w.skipped + d.skipped
  FROM (SELECT rollout_id, wave_index,
               count(*) FILTER (WHERE status = 'queued') AS queued,
               count(*) FILTER (WHERE status = 'running') AS running,
               count(*) FILTER (WHERE status = 'success') AS success,
               count(*) FILTER (WHERE status = 'failed') AS failed,
               count(*) FILTER (WHERE status = 'skipped') AS skipped
        FROM new_rows GROUP BY rollout_id, wave_index) d
  WHERE w.rollout_id = d.rollout_id AND w.wave_index = d.wave_index;
  UPDATE business_store_service.rollouts r
  SET total = r.total + d.n, queued = r.queued + d.queued, running = r.running + d.running,
      success = r.success + d.success, failed = r.failed + d.failed, skipped = r.skipped + d.skipped,
      updated_at = clock_timestamp()
  FROM (SELECT rollout_id, count(*) AS n,
               count(*) FILTER (WHERE status = 'queued') AS queued,
               count(*) FILTER (WHERE status = 'running') AS running,
               count(*) FILTER (WHERE status = 'success') AS success,
               count(*) FILTER (WHERE status = 'failed') AS failed,
               count(*) FILTER (WHERE status = 'skipped') AS skipped
        FROM new_rows GROUP BY rollout_id) d
  WHERE r.rollout_id = d.rollout_id;
  RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION business_store_service.rollout_tenants_count_insert() FROM PUBLIC;
