// Drift's own SQL: the description, the expected descriptions' cache and fleet drift checks.
// Where tenants stand (versions, pending attempts) is the audit log's (src/audit/attempts.sql.ts).
const S = 'business_store_service';

/** The schema description of each schema in $1 (db/functions/bss_catalog.describe_schemas.sql). */
export const DESCRIBE_SQL = 'SELECT schema_name, object_type, name, definition FROM bss_catalog.describe_schemas($1::name[])';

export const EXPECTED_SQL = `SELECT description FROM ${S}.drift_expected WHERE history_key = $1`;
export const SAVE_EXPECTED_SQL = `INSERT INTO ${S}.drift_expected (history_key, description) VALUES ($1, $2) ON CONFLICT (history_key) DO NOTHING`;

// ---- fleet drift checks -----------------------------------------------------------------------

const CHECK_COLUMNS = `check_id, status, total, in_sync, drifted, skipped, created_at, finished_at`;

/** A check and its tenants ($1), queued, in one statement. */
export const CREATE_CHECK_SQL = `
WITH c AS (INSERT INTO ${S}.drift_checks (total) VALUES (cardinality($1::uuid[])) RETURNING ${CHECK_COLUMNS}),
t AS (INSERT INTO ${S}.drift_check_tenants (check_id, tenant_id) SELECT c.check_id, u.tenant_id FROM c, unnest($1::uuid[]) AS u(tenant_id))
SELECT * FROM c`;

export const CHECK_SQL = `SELECT ${CHECK_COLUMNS} FROM ${S}.drift_checks WHERE check_id = $1`;
export const LATEST_COMPLETED_SQL = `
SELECT ${CHECK_COLUMNS} FROM ${S}.drift_checks WHERE status = 'completed' ORDER BY finished_at DESC LIMIT 1`;
export const RUNNING_CHECKS_SQL = `SELECT check_id FROM ${S}.drift_checks WHERE status = 'running' ORDER BY created_at`;

export const NEXT_QUEUED_SQL = `
SELECT tenant_id FROM ${S}.drift_check_tenants WHERE check_id = $1 AND status = 'queued' ORDER BY tenant_id LIMIT $2`;

/** Stores a batch's results and adds them to the check's counts, in one statement; returns the counts. */
export const RECORD_RESULTS_SQL = `
WITH r AS (
  UPDATE ${S}.drift_check_tenants t
  SET status = u.status, current_version = u.current_version, differences = u.differences, details = u.details, checked_at = clock_timestamp()
  FROM unnest($2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::text[]) AS u(tenant_id, status, current_version, differences, details)
  WHERE t.check_id = $1 AND t.tenant_id = u.tenant_id AND t.status = 'queued'
  RETURNING t.status
)
UPDATE ${S}.drift_checks c
SET in_sync = c.in_sync + (SELECT count(*) FROM r WHERE status = 'in_sync'),
    drifted = c.drifted + (SELECT count(*) FROM r WHERE status = 'drifted'),
    skipped = c.skipped + (SELECT count(*) FROM r WHERE status = 'skipped')
WHERE c.check_id = $1
RETURNING ${CHECK_COLUMNS}`;

export const COMPLETE_CHECK_SQL = `
UPDATE ${S}.drift_checks SET status = 'completed', finished_at = clock_timestamp()
WHERE check_id = $1 AND status = 'running'
RETURNING ${CHECK_COLUMNS}`;

/** A page of a check's tenants by tenant id, after $3 (or from the start), of status $2 (or any). */
export const CHECK_TENANTS_SQL = `
SELECT tenant_id, status, current_version, differences, details, checked_at FROM ${S}.drift_check_tenants
WHERE check_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR tenant_id > $3)
ORDER BY tenant_id LIMIT $4`;
