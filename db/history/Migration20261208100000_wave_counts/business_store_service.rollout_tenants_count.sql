-- A rollout's counts follow rollout_tenants in the statement that changes it: one UPDATE of the
-- rollout per statement, from the transition tables, so they add up at every moment.
CREATE OR REPLACE FUNCTION business_store_service.rollout_tenants_count() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
  WITH changes AS (
    SELECT n.rollout_id, n.status, 1 AS sign FROM new_rows n
    UNION ALL
    SELECT o.rollout_id, o.status, -1 FROM old_rows o
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
