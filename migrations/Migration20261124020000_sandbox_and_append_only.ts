import { Migration } from '@mikro-orm/migrations';

/** The one role allowed to delete audit records, through purge_schema_migrations() only. Cluster-wide, so it is kept on down. */
const PURGE_ROLE = 'bss_audit_purge';

/**
 * Tenant sandbox: nothing in this database is open to PUBLIC beyond what PostgreSQL must
 * give (tenant roles get only their own schema). Audit log: append-only, enforced here.
 */
export class Migration20261124020000_sandbox_and_append_only extends Migration {
  override up(): void {
    // Tenant roles (members of nothing) must not create in public or make temporary tables.
    this.addSql(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    this.addSql(`DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$`);
    this.addSql(`REVOKE ALL ON SCHEMA business_store_service FROM PUBLIC`);

    this.addSql(`
      DO $$ BEGIN
        CREATE ROLE ${PURGE_ROLE} NOLOGIN NOINHERIT;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    this.addSql(`DO $$ BEGIN IF NOT pg_has_role(current_user, '${PURGE_ROLE}', 'MEMBER') THEN GRANT ${PURGE_ROLE} TO CURRENT_USER; END IF; END $$`);
    // CREATE only so that it may own the purge function; it is NOLOGIN.
    this.addSql(`GRANT USAGE, CREATE ON SCHEMA business_store_service TO ${PURGE_ROLE}`);
    this.addSql(`GRANT SELECT, DELETE ON business_store_service.schema_migrations TO ${PURGE_ROLE}`);

    this.addSql(`
      CREATE FUNCTION business_store_service.schema_migrations_append_only() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF current_user <> '${PURGE_ROLE}' THEN
            RAISE EXCEPTION 'schema_migrations is append-only: records are removed only by the retention purge (business_store_service.purge_schema_migrations)'
              USING ERRCODE = '42501';
          END IF;
          RETURN OLD;
        END IF;
        IF (NEW.migration_id, NEW.tenant_schema_id, NEW.tenant_id, NEW.version_applied, NEW.applied_by, NEW.created_at)
           IS DISTINCT FROM
           (OLD.migration_id, OLD.tenant_schema_id, OLD.tenant_id, OLD.version_applied, OLD.applied_by, OLD.created_at) THEN
          RAISE EXCEPTION 'schema_migrations: only status, details and updated_at may change (migration %)', OLD.migration_id
            USING ERRCODE = '23514';
        END IF;
        IF OLD.status <> 'pending' THEN
          RAISE EXCEPTION 'schema_migrations: migration % has ended (%) and cannot change', OLD.migration_id, OLD.status
            USING ERRCODE = '23514';
        END IF;
        IF NEW.status NOT IN ('success', 'failed') THEN
          RAISE EXCEPTION 'schema_migrations: a pending record may only become success or failed, not %', NEW.status
            USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
      END $$`);
    this.addSql(`
      CREATE TRIGGER schema_migrations_append_only
      BEFORE UPDATE OR DELETE ON business_store_service.schema_migrations
      FOR EACH ROW EXECUTE FUNCTION business_store_service.schema_migrations_append_only()`);

    this.addSql(`
      CREATE FUNCTION business_store_service.schema_migrations_no_truncate() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'schema_migrations is append-only: TRUNCATE is not allowed' USING ERRCODE = '42501';
      END $$`);
    this.addSql(`
      CREATE TRIGGER schema_migrations_no_truncate
      BEFORE TRUNCATE ON business_store_service.schema_migrations
      FOR EACH STATEMENT EXECUTE FUNCTION business_store_service.schema_migrations_no_truncate()`);

    // What retention may delete: expired, ended, and not a tenant's latest success (the proof
    // of its current version). Oldest first, so the created_at index drives it.
    this.addSql(`
      CREATE FUNCTION business_store_service.purgeable_schema_migrations(p_cutoff timestamptz)
      RETURNS TABLE (migration_id uuid)
      LANGUAGE sql STABLE AS $$
        SELECT m.migration_id
        FROM business_store_service.schema_migrations m
        WHERE m.created_at < p_cutoff
          AND m.status <> 'pending'
          AND NOT (m.status = 'success' AND m.version_applied = (
            SELECT max(s.version_applied) FROM business_store_service.schema_migrations s
            WHERE s.tenant_id = m.tenant_id AND s.status = 'success'))
        ORDER BY m.created_at
      $$`);
    // The purge path: one batch, as the purge role.
    this.addSql(`
      CREATE FUNCTION business_store_service.purge_schema_migrations(p_cutoff timestamptz, p_limit integer)
      RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE deleted integer;
      BEGIN
        -- = ANY(ARRAY(...)) keeps every batch on the primary key; IN (...) turns into a hash
        -- join that scans the whole table once batches reach a few thousand rows.
        DELETE FROM business_store_service.schema_migrations m
        WHERE m.migration_id = ANY (ARRAY(
          SELECT p.migration_id FROM business_store_service.purgeable_schema_migrations(p_cutoff) p LIMIT p_limit));
        GET DIAGNOSTICS deleted = ROW_COUNT;
        RETURN deleted;
      END $$`);
    this.addSql(`ALTER FUNCTION business_store_service.purge_schema_migrations(timestamptz, integer) OWNER TO ${PURGE_ROLE}`);
    this.addSql(`REVOKE ALL ON FUNCTION business_store_service.purge_schema_migrations(timestamptz, integer) FROM PUBLIC`);
    this.addSql(`GRANT EXECUTE ON FUNCTION business_store_service.purge_schema_migrations(timestamptz, integer) TO CURRENT_USER`);
    this.addSql(`REVOKE ALL ON FUNCTION business_store_service.purgeable_schema_migrations(timestamptz) FROM PUBLIC`);
    this.addSql(`GRANT EXECUTE ON FUNCTION business_store_service.purgeable_schema_migrations(timestamptz) TO CURRENT_USER, ${PURGE_ROLE}`);
  }

  override down(): void {
    this.addSql(`DROP FUNCTION business_store_service.purge_schema_migrations(timestamptz, integer)`);
    this.addSql(`DROP FUNCTION business_store_service.purgeable_schema_migrations(timestamptz)`);
    this.addSql(`DROP TRIGGER schema_migrations_no_truncate ON business_store_service.schema_migrations`);
    this.addSql(`DROP FUNCTION business_store_service.schema_migrations_no_truncate()`);
    this.addSql(`DROP TRIGGER schema_migrations_append_only ON business_store_service.schema_migrations`);
    this.addSql(`DROP FUNCTION business_store_service.schema_migrations_append_only()`);
    this.addSql(`REVOKE ALL ON business_store_service.schema_migrations FROM ${PURGE_ROLE}`);
    this.addSql(`REVOKE ALL ON SCHEMA business_store_service FROM ${PURGE_ROLE}`);
    this.addSql(`DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database()); END $$`);
  }
}
