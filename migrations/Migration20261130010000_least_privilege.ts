import { Migration } from '@mikro-orm/migrations';
import { BEGIN_ATTEMPT_V1, FINISH_ATTEMPT_V1, PREPARE_TENANT_V1 } from './Migration20261124040000_apply_functions.js';

/** Creates tenant roles and schemas, and nothing else, through provision_tenant(). Cluster-wide, so kept on down. */
const PROVISION_ROLE = 'bss_provisioner';

// Not purgeable_schema_migrations(): a SECURITY INVOKER sql function with qualified names, called
// under the purge function's pinned search_path. A SET clause would stop PostgreSQL inlining it, and
// every purge batch would then compute all purgeable rows before its LIMIT (1,000,000 rows: 17x slower).
const TRIGGER_FUNCTIONS = [
  'business_store_service.tenant_schemas_guard()',
  'business_store_service.schema_migrations_append_only()',
  'business_store_service.schema_migrations_no_truncate()',
];

/**
 * Least privilege (contract §8). The service's runtime role needs no superuser and no CREATEROLE:
 * tenant roles and schemas come from provision_tenant(), a SECURITY DEFINER function of the
 * provisioning role, and the runtime role gets only the grants of src/database/runtime-grants.ts.
 *
 * The apply now holds its tenant's lock at session level (claim_attempt ... release_tenant), so
 * that a failure (at a statement, at the record's end or at COMMIT) is recorded after ROLLBACK
 * while the lock is still held: one path for every failure, with no savepoint.
 */
export class Migration20261130010000_least_privilege extends Migration {
  override up(): void {
    this.addSql(`
      DO $$ BEGIN
        CREATE ROLE ${PROVISION_ROLE} NOLOGIN NOINHERIT CREATEROLE;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    this.addSql(`DO $$ BEGIN IF NOT pg_has_role(current_user, '${PROVISION_ROLE}', 'MEMBER') THEN GRANT ${PROVISION_ROLE} TO CURRENT_USER; END IF; END $$`);
    // CREATE on the schema only so that it may own provision_tenant(); it is NOLOGIN.
    this.addSql(`GRANT USAGE, CREATE ON SCHEMA business_store_service TO ${PROVISION_ROLE}`);
    this.addSql(`DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO ${PROVISION_ROLE}', current_database()); END $$`);

    // The lock key of a tenant, shared by every statement that takes or probes it.
    this.addSql(`
      CREATE FUNCTION business_store_service.tenant_lock_key(p_tenant_id uuid) RETURNS bigint
      LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog
      AS $$ SELECT hashtextextended('bss:tenant:' || p_tenant_id::text, 0) $$`);

    // Reads the attempt and tries its tenant's lock at SESSION level; if taken, reads where the
    // tenant's versions stand, in a statement of its own (a fresh snapshot that sees every attempt
    // ended before the lock was granted). With p_enter, inside the apply's transaction, a strict
    // attempt that may run (pending, next in version order) also enters its tenant
    // (enter_tenant), saving the apply a round trip; the caller rolls back if it then refuses it.
    // The caller releases the lock with release_tenant() once the attempt has ended or been set aside.
    this.addSql(`
      CREATE FUNCTION business_store_service.claim_attempt(p_migration_id uuid, p_enter boolean DEFAULT false)
      RETURNS TABLE (tenant_id uuid, tenant_schema_id uuid, version_applied integer, ddl text, policy text, transactional boolean,
                     locked boolean, status text, current_version integer, previous_pending boolean, tenant_role name)
      LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog AS $fn$
      #variable_conflict use_column
      BEGIN
        SELECT m.tenant_id, m.tenant_schema_id, m.version_applied, s.ddl, s.policy, s.transactional
        INTO tenant_id, tenant_schema_id, version_applied, ddl, policy, transactional
        FROM business_store_service.schema_migrations m
        JOIN business_store_service.tenant_schemas s ON s.schema_id = m.tenant_schema_id
        WHERE m.migration_id = p_migration_id;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        locked := pg_try_advisory_lock(business_store_service.tenant_lock_key(tenant_id));
        IF locked THEN
          SELECT COALESCE(max(p.version_applied) FILTER (WHERE p.status = 'success'), 0),
                 COALESCE(bool_or(p.version_applied = claim_attempt.version_applied - 1 AND p.status = 'pending'), false),
                 min(p.status) FILTER (WHERE p.migration_id = p_migration_id)
          INTO current_version, previous_pending, status
          FROM business_store_service.schema_migrations p
          WHERE p.tenant_id = claim_attempt.tenant_id;
          IF p_enter AND status = 'pending' AND current_version = claim_attempt.version_applied - 1 AND policy = 'strict' THEN
            tenant_role := business_store_service.enter_tenant(tenant_id);
          END IF;
        END IF;
        RETURN NEXT;
      END $fn$`);

    this.addSql(`
      CREATE FUNCTION business_store_service.release_tenant(p_tenant_id uuid) RETURNS boolean
      LANGUAGE sql VOLATILE SET search_path = pg_catalog
      AS $$ SELECT pg_advisory_unlock(business_store_service.tenant_lock_key(p_tenant_id)) $$`);

    // Ends the attempt 'success' in the transaction of its DDL. It checks what the caller would
    // check first: the DDL still ran as the tenant's role (the caller notes enter_tenant's answer in bss.tenant_role,
    // the caller notes current_user in bss.ddl_role before RESET ROLE; a strict definition can set
    // neither), and the record was still pending. Its own SQLSTATEs tell the caller which.
    this.addSql(`
      CREATE FUNCTION business_store_service.finish_attempt(p_migration_id uuid, p_details text)
      RETURNS TABLE (ended integer, waiting text[])
      LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog AS $fn$
      DECLARE
        v_ran_as text := current_setting('bss.ddl_role', true);
        v_tenant_role text := current_setting('bss.tenant_role', true);
      BEGIN
        IF v_ran_as IS NULL OR v_ran_as = '' OR v_ran_as IS DISTINCT FROM v_tenant_role THEN
          RAISE EXCEPTION 'the DDL ran as role %, not %', v_ran_as, v_tenant_role USING ERRCODE = 'BSS01';
        END IF;
        SELECT e.ended, e.waiting INTO ended, waiting
        FROM business_store_service.end_attempt(p_migration_id, 'success', p_details) e;
        IF ended <> 1 THEN
          RAISE EXCEPTION 'migration % is no longer pending', p_migration_id USING ERRCODE = 'BSS02';
        END IF;
        RETURN NEXT;
      END $fn$`);

    // The tenant's role and schema, created on first use and nothing else: names come from the
    // tenant id, so it can only make bss_tenant_<hex>_<database> roles and tenant_<hex> schemas.
    // The role name carries the database's OID, so services with databases of their own in one
    // cluster never share a tenant role. An existing schema keeps its owner if that is a tenant role.
    //
    // No role stays a member of many tenant roles: PostgreSQL 15 builds a role's membership list
    // in time quadratic in its length whenever any membership changes (every new tenant), which
    // made each CREATE SCHEMA ... AUTHORIZATION cost ~100 ms at 4,000 tenants. So the provisioning
    // role is a member of a new tenant role only while it creates its schema.
    this.addSql(`
      CREATE FUNCTION business_store_service.provision_tenant(p_tenant_id uuid) RETURNS name
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      DECLARE
        v_hex text := replace(p_tenant_id::text, '-', '');
        v_schema name := 'tenant_' || v_hex;
        v_role name;
      BEGIN
        -- Plain catalog lookups, no pg_roles view: in a fan-out every CREATE SCHEMA or ROLE makes
        -- PostgreSQL plan these queries again, and the view's join costs a lot to plan.
        SELECT n.nspowner::regrole::text INTO v_role FROM pg_namespace n WHERE n.nspname = v_schema;
        IF v_role IS NULL THEN
          v_role := 'bss_tenant_' || v_hex || '_' || to_hex((SELECT d.oid FROM pg_database d WHERE d.datname = current_database())::bigint);
          IF to_regrole(v_role) IS NULL THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', v_role);
          END IF;
          EXECUTE format('GRANT %I TO %I', v_role, current_user);
          EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', v_schema, v_role);
          EXECUTE format('REVOKE %I FROM %I', v_role, current_user);
        ELSIF v_role NOT LIKE 'bss\\_tenant\\_%' THEN
          RAISE EXCEPTION 'schema % is owned by role %, which is not a tenant role', v_schema, v_role USING ERRCODE = '42501';
        END IF;
        RETURN v_role;
      END $fn$`);
    // For a strict attempt, inside its transaction: the tenant provisioned, and the caller made a
    // member of its role so that it can SET ROLE to it; leave_tenant takes the membership back
    // before COMMIT (and ROLLBACK does too), so the caller is never a member outside an attempt.
    this.addSql(`
      CREATE FUNCTION business_store_service.enter_tenant(p_tenant_id uuid) RETURNS name
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      DECLARE v_role name := business_store_service.provision_tenant(p_tenant_id);
      BEGIN
        -- A superuser may SET ROLE to any role already. bss.member_granted tells leave_tenant.
        IF pg_has_role(session_user, v_role, 'MEMBER') THEN
          PERFORM pg_catalog.set_config('bss.member_granted', 'off', true);
        ELSE
          EXECUTE format('GRANT %I TO %I', v_role, session_user);
          PERFORM pg_catalog.set_config('bss.member_granted', 'on', true);
        END IF;
        RETURN v_role;
      END $fn$`);
    this.addSql(`
      CREATE FUNCTION business_store_service.leave_tenant(p_tenant_id uuid) RETURNS void
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      DECLARE v_owner oid;
      BEGIN
        IF current_setting('bss.member_granted', true) IS DISTINCT FROM 'off' THEN
          SELECT n.nspowner INTO v_owner FROM pg_namespace n WHERE n.nspname = 'tenant_' || replace(p_tenant_id::text, '-', '');
          IF EXISTS (SELECT 1 FROM pg_auth_members a WHERE a.roleid = v_owner AND a.member = to_regrole(quote_ident(session_user))) THEN
            EXECUTE format('REVOKE %s FROM %I', v_owner::regrole, session_user);
          END IF;
        END IF;
      END $fn$`);
    this.addSql(`ALTER FUNCTION business_store_service.enter_tenant(uuid) OWNER TO ${PROVISION_ROLE}`);
    this.addSql(`ALTER FUNCTION business_store_service.leave_tenant(uuid) OWNER TO ${PROVISION_ROLE}`);
    // Memberships of tenant roles left by the earlier provisioning (which granted each one to the service for good).
    this.addSql(`
      DO $$
      DECLARE m record;
      BEGIN
        FOR m IN SELECT r.rolname AS role, u.rolname AS member FROM pg_auth_members a
                 JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles u ON u.oid = a.member
                 WHERE r.rolname LIKE 'bss\\_tenant\\_%' LOOP
          EXECUTE format('REVOKE %I FROM %I', m.role, m.member);
        END LOOP;
      END $$`);
    this.addSql(`ALTER FUNCTION business_store_service.provision_tenant(uuid) OWNER TO ${PROVISION_ROLE}`);

    this.addSql(`DROP FUNCTION business_store_service.begin_attempt(uuid)`);
    this.addSql(`DROP FUNCTION business_store_service.finish_attempt(uuid, text, text)`);
    this.addSql(`DROP FUNCTION business_store_service.prepare_tenant(name, name)`);

    // Trigger and helper functions resolve nothing through the caller's search_path.
    for (const fn of TRIGGER_FUNCTIONS) this.addSql(`ALTER FUNCTION ${fn} SET search_path = pg_catalog`);

    // Nothing in the schema is executable by PUBLIC; the runtime role gets its grants by name.
    this.addSql(`REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA business_store_service FROM PUBLIC`);
    this.addSql(`ALTER DEFAULT PRIVILEGES IN SCHEMA business_store_service REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`);
  }

  override down(): void {
    this.addSql(`ALTER DEFAULT PRIVILEGES IN SCHEMA business_store_service GRANT EXECUTE ON FUNCTIONS TO PUBLIC`);
    for (const fn of TRIGGER_FUNCTIONS) this.addSql(`ALTER FUNCTION ${fn} RESET search_path`);
    this.addSql(`DROP FUNCTION business_store_service.leave_tenant(uuid)`);
    this.addSql(`DROP FUNCTION business_store_service.enter_tenant(uuid)`);
    this.addSql(`DROP FUNCTION business_store_service.provision_tenant(uuid)`);
    this.addSql(`DROP FUNCTION business_store_service.finish_attempt(uuid, text)`);
    this.addSql(`DROP FUNCTION business_store_service.release_tenant(uuid)`);
    this.addSql(`DROP FUNCTION business_store_service.claim_attempt(uuid, boolean)`);
    this.addSql(`DROP FUNCTION business_store_service.tenant_lock_key(uuid)`);
    for (const sql of [BEGIN_ATTEMPT_V1, FINISH_ATTEMPT_V1, PREPARE_TENANT_V1]) this.addSql(sql);
    for (const fn of ['begin_attempt(uuid)', 'finish_attempt(uuid, text, text)', 'prepare_tenant(name, name)']) {
      this.addSql(`REVOKE ALL ON FUNCTION business_store_service.${fn} FROM PUBLIC`);
      this.addSql(`GRANT EXECUTE ON FUNCTION business_store_service.${fn} TO CURRENT_USER`);
    }
    this.addSql(`DO $$ BEGIN EXECUTE format('REVOKE CREATE ON DATABASE %I FROM ${PROVISION_ROLE}', current_database()); END $$`);
    this.addSql(`REVOKE ALL ON SCHEMA business_store_service FROM ${PROVISION_ROLE}`);
  }
}
