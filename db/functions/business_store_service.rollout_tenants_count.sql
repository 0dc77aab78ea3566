-- A rollout's counts, and each of its waves', follow rollout_tenants in the statement that changes
-- it: one UPDATE of the rollout and one of its waves per statement, from the transition tables, so
-- they add up at every moment (the fleet page reads them without counting tenants).
CREATE OR REPLACE FUNCTION business_store_service.rollout_tenants_count() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
  WITH changes AS (
    SELECT n.rollout_id, n.wave_index, n.status, 1 AS sign FROM new_rows n
    UNION ALL
    SELECT o.rollout_id, o.wave_index, o.status, -1 FROM old_rows o
  ), wave_delta AS (
    SELECT rollout_id, wave_index,
           sum(sign) FILTER (WHERE status = 'queued') AS queued,
           sum(sign) FILTER (WHERE status = 'running') AS running,
           sum(sign) FILTER (WHERE status = 'success') AS success,
           sum(sign) FILTER (WHERE status = 'failed') AS failed,
           sum(sign) FILTER (WHERE status = 'skipped') AS skipped
    FROM changes GROUP BY rollout_id, wave_index
  ), waves AS (
    UPDATE business_store_service.rollout_waves w
    SET queued = w.queued + COALESCE(d.queued, 0),
        running = w.running + COALESCE(d.running, 0),
        success = w.success + COALESCE(d.success, 0),
        failed = w.failed + COALESCE(d.failed, 0),
        skipped = w.skipped + COALESCE(d.skipped, 0)
    FROM wave_delta d
    WHERE w.rollout_id = d.rollout_id AND w.wave_index = d.wave_index
  ), delta AS (
    SELECT rollout_id,
           sum(sign) AS total,
           sum(sign) FILTER (WHERE status = 'queued') AS queued,
           sum(sign) FILTER (WHERE status = 'running') AS running,
           sum(sign) FILTER (WHERE status = 'success') AS success,
           sum(sign) FILTER (WHERE status = 'failed') AS failed,
           sum(sign) FILTER (WHERE status = 'skipped') AS skipped
    FROM changes GROUP BY rollout_id
  )
  UPDATE business_store_service.rollouts r
  SET total = r.total + d.total,
      queued = r.queued + COALESCE(d.queued, 0),
      running = r.running + COALESCE(d.running, 0),
      success = r.success + COALESCE(d.success, 0),
      failed = r.failed + COALESCE(d.failed, 0),
      skipped = r.skipped + COALESCE(d.skipped, 0),
      updated_at = clock_timestamp()
  FROM delta d
  WHERE r.rollout_id = d.rollout_id;
  RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION business_store_service.rollout_tenants_count() FROM PUBLIC;
