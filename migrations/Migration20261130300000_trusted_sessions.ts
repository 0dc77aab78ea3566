import { Migration } from '@mikro-orm/migrations';

/** Owns the functions a tenant's own session may call; NOLOGIN. Cluster-wide, so kept on down. */
const GATE_ROLE = 'bss_gate';
const S = 'business_store_service';

/**
 * Trusted definitions (contract §4, §10) run in a session whose session user is the tenant's own
 * role (LOGIN only while its attempt runs, with a fresh secret), so that RESET ROLE or SET ROLE in
 * dynamic SQL can only land on the tenant itself. That session reaches the audit log through the
 * gate functions only, which accept the tenant's own pending attempt and nothing else.
 *
 * Extensions live once per database in bss_extensions, usable by every tenant, installed by the
 * provisioning role. Non-transactional definitions keep which statement comes next.
 */
export class Migration20261130300000_trusted_sessions extends Migration {
  override up(): void {
    this.addSql(`CREATE SCHEMA bss_extensions AUTHORIZATION bss_provisioner`);
    this.addSql(`GRANT USAGE ON SCHEMA bss_extensions TO PUBLIC`);

    // A non-transactional definition's next statement on its tenant: a retry or a redelivery
    // continues there. started_statement marks a CONCURRENTLY statement begun (it commits by itself).
    this.addSql(`
      CREATE TABLE ${S}.definition_progress (
        tenant_schema_id  UUID PRIMARY KEY REFERENCES ${S}.tenant_schemas (schema_id) ON DELETE CASCADE,
        next_statement    INTEGER NOT NULL DEFAULT 1,
        started_statement INTEGER NULL,
        updated_at        TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
      )`);

    // Installs a trusted extension into bss_extensions (idempotent). PostgreSQL's own rules still
    // apply: a role that is not a superuser can create only extensions marked trusted.
    this.addSql(`
      CREATE FUNCTION ${S}.install_extension(p_name text) RETURNS name
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      DECLARE v_schema name;
      BEGIN
        IF p_name !~ '^[a-z0-9_-]{1,63}$' THEN
          RAISE EXCEPTION 'not an extension name: %', p_name USING ERRCODE = '22023';
        END IF;
        EXECUTE format('CREATE EXTENSION IF NOT EXISTS %I SCHEMA bss_extensions', p_name);
        SELECT n.nspname INTO v_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = p_name;
        RETURN v_schema;
      END $fn$`);
    this.addSql(`ALTER FUNCTION ${S}.install_extension(text) OWNER TO bss_provisioner`);

    // The tenant's role may log in, with the secret behind this verifier, until close_tenant_session (called as soon as the session is made). Provisions first.
    this.addSql(`
      CREATE FUNCTION ${S}.open_tenant_session(p_tenant_id uuid, p_verifier text) RETURNS name
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      DECLARE v_role name := ${S}.provision_tenant(p_tenant_id);
      BEGIN
        -- Only a SCRAM verifier (the caller keeps the secret): never a plain password to log or hash here.
        IF p_verifier !~ '^SCRAM-SHA-256\\$[1-9][0-9]*:[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$' THEN
          RAISE EXCEPTION 'a tenant session needs a SCRAM-SHA-256 verifier with a 16-byte salt' USING ERRCODE = '22023';
        END IF;
        -- An earlier attempt's session still running (its worker was killed mid-statement, say):
        -- wait until PostgreSQL has ended it, so that two sessions never act for one tenant.
        -- (pg_stat_get_activity itself: the pg_stat_activity view costs twice as much.)
        IF EXISTS (SELECT 1 FROM pg_stat_get_activity(NULL) a WHERE a.usesysid = to_regrole(quote_ident(v_role))) THEN
          RAISE EXCEPTION 'an earlier session of tenant role % is still running', v_role USING ERRCODE = 'BSS05';
        END IF;
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', v_role, p_verifier);
        RETURN v_role;
      END $fn$`);
    this.addSql(`
      CREATE FUNCTION ${S}.close_tenant_session(p_tenant_id uuid) RETURNS void
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      DECLARE v_role text;
      BEGIN
        SELECT n.nspowner::regrole::text INTO v_role FROM pg_namespace n WHERE n.nspname = 'tenant_' || replace(p_tenant_id::text, '-', '');
        IF v_role LIKE 'bss\\_tenant\\_%' THEN
          EXECUTE format('ALTER ROLE %s NOLOGIN PASSWORD NULL', v_role);
        END IF;
      END $fn$`);
    for (const fn of ['open_tenant_session(uuid, text)', 'close_tenant_session(uuid)']) {
      this.addSql(`ALTER FUNCTION ${S}.${fn} OWNER TO bss_provisioner`);
    }

    // The gate: what a tenant's own session may do to the service's tables, and nothing more.
    this.addSql(`
      DO $$ BEGIN
        CREATE ROLE ${GATE_ROLE} NOLOGIN NOINHERIT;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    this.addSql(`DO $$ BEGIN IF NOT pg_has_role(current_user, '${GATE_ROLE}', 'MEMBER') THEN GRANT ${GATE_ROLE} TO CURRENT_USER; END IF; END $$`);
    this.addSql(`CREATE SCHEMA bss_gate`);
    this.addSql(`GRANT USAGE, CREATE ON SCHEMA bss_gate TO ${GATE_ROLE}`);
    this.addSql(`GRANT USAGE ON SCHEMA bss_gate TO PUBLIC`);
    this.addSql(`GRANT USAGE ON SCHEMA ${S} TO ${GATE_ROLE}`);
    this.addSql(`GRANT SELECT ON ${S}.schema_migrations, ${S}.tenant_schemas TO ${GATE_ROLE}`);
    this.addSql(`GRANT UPDATE (status, details, updated_at) ON ${S}.schema_migrations TO ${GATE_ROLE}`);
    this.addSql(`GRANT SELECT, UPDATE ON ${S}.definition_progress TO ${GATE_ROLE}`);
    this.addSql(`GRANT EXECUTE ON FUNCTION ${S}.end_attempt(uuid, text, text), ${S}.tenant_lock_key(uuid) TO ${GATE_ROLE}`);

    // The session is the tenant's own (session_user), the attempt is pending, its tenant's lock is
    // held by another session (the service's), and the tenant's schema shows nothing that a
    // trusted definition may not leave behind: no SECURITY DEFINER routine, no grant to anyone
    // else, no default privileges, role settings or large objects. Returns the attempt's tenant.
    this.addSql(`
      CREATE FUNCTION bss_gate.check_session(p_migration_id uuid) RETURNS uuid
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      DECLARE
        v_tenant uuid;
        v_status text;
        v_key bigint;
        v_schema oid;
        v_owner oid;
      BEGIN
        SELECT m.tenant_id, m.status INTO v_tenant, v_status FROM ${S}.schema_migrations m WHERE m.migration_id = p_migration_id;
        SELECT n.oid, n.nspowner INTO v_schema, v_owner FROM pg_namespace n WHERE n.nspname = 'tenant_' || replace(v_tenant::text, '-', '');
        IF v_tenant IS NULL OR v_owner IS DISTINCT FROM to_regrole(quote_ident(session_user)) THEN
          RAISE EXCEPTION 'migration % is not an attempt of this session''s tenant', p_migration_id USING ERRCODE = 'BSS06';
        END IF;
        IF v_status <> 'pending' THEN
          RAISE EXCEPTION 'migration % is no longer pending', p_migration_id USING ERRCODE = 'BSS02';
        END IF;
        v_key := ${S}.tenant_lock_key(v_tenant);
        IF NOT EXISTS (SELECT 1 FROM pg_locks l
                       WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid() AND l.objsubid = 1
                         AND l.classid::bigint = (v_key >> 32) & 4294967295 AND l.objid::bigint = v_key & 4294967295) THEN
          RAISE EXCEPTION 'the tenant of migration % is not locked by an apply', p_migration_id USING ERRCODE = 'BSS06';
        END IF;
        IF EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = v_schema AND p.prosecdef)
           OR EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.oid = v_schema AND a.grantee <> v_owner)
           OR EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace = v_schema AND a.grantee <> v_owner)
           OR EXISTS (SELECT 1 FROM pg_proc p, aclexplode(p.proacl) a WHERE p.pronamespace = v_schema AND a.grantee NOT IN (v_owner, 0))
           OR EXISTS (SELECT 1 FROM pg_type t, aclexplode(t.typacl) a WHERE t.typnamespace = v_schema AND a.grantee NOT IN (v_owner, 0))
           OR EXISTS (SELECT 1 FROM pg_default_acl d WHERE d.defaclrole = v_owner)
           OR EXISTS (SELECT 1 FROM pg_db_role_setting s WHERE s.setrole = v_owner)
           OR EXISTS (SELECT 1 FROM pg_largeobject_metadata l WHERE l.lomowner = v_owner) THEN
          RAISE EXCEPTION 'the DDL left a SECURITY DEFINER routine, a grant to another role, default privileges, role settings or large objects behind'
            USING ERRCODE = 'BSS03';
        END IF;
        RETURN v_tenant;
      END $fn$`);

    // Ends the session's own attempt 'success', in the transaction of its DDL.
    this.addSql(`
      CREATE FUNCTION bss_gate.finish_attempt(p_migration_id uuid, p_details text) RETURNS TABLE (ended integer, waiting text[])
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      BEGIN
        PERFORM bss_gate.check_session(p_migration_id);
        SELECT e.ended, e.waiting INTO ended, waiting FROM ${S}.end_attempt(p_migration_id, 'success', p_details) e;
        RETURN NEXT;
      END $fn$`);

    // A non-transactional definition: statement p_ordinal has completed (in the statement's own
    // transaction, where it can have one).
    this.addSql(`
      CREATE FUNCTION bss_gate.statement_done(p_migration_id uuid, p_ordinal integer) RETURNS void
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      BEGIN
        PERFORM bss_gate.check_session(p_migration_id);
        UPDATE ${S}.definition_progress d SET next_statement = p_ordinal + 1, started_statement = NULL, updated_at = clock_timestamp()
        FROM ${S}.schema_migrations m
        WHERE m.migration_id = p_migration_id AND d.tenant_schema_id = m.tenant_schema_id AND d.next_statement = p_ordinal;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'statement % of migration % is not the next one', p_ordinal, p_migration_id USING ERRCODE = 'BSS04';
        END IF;
      END $fn$`);
    for (const fn of ['check_session(uuid)', 'finish_attempt(uuid, text)', 'statement_done(uuid, integer)']) {
      this.addSql(`ALTER FUNCTION bss_gate.${fn} OWNER TO ${GATE_ROLE}`);
      this.addSql(`REVOKE ALL ON FUNCTION bss_gate.${fn} FROM PUBLIC`);
    }
    // Tenant roles are made later, one by one: every role may call these two, and they check who calls.
    this.addSql(`GRANT EXECUTE ON FUNCTION bss_gate.finish_attempt(uuid, text), bss_gate.statement_done(uuid, integer) TO PUBLIC`);
    this.addSql(`REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA ${S} FROM PUBLIC`);
  }

  override down(): void {
    this.addSql(`DROP SCHEMA bss_gate CASCADE`);
    this.addSql(`REVOKE ALL ON ${S}.schema_migrations, ${S}.tenant_schemas FROM ${GATE_ROLE}`);
    this.addSql(`REVOKE ALL ON SCHEMA ${S} FROM ${GATE_ROLE}`);
    this.addSql(`REVOKE ALL ON FUNCTION ${S}.end_attempt(uuid, text, text), ${S}.tenant_lock_key(uuid) FROM ${GATE_ROLE}`);
    this.addSql(`DROP FUNCTION ${S}.close_tenant_session(uuid)`);
    this.addSql(`DROP FUNCTION ${S}.open_tenant_session(uuid, text)`);
    this.addSql(`DROP FUNCTION ${S}.install_extension(text)`);
    this.addSql(`DROP TABLE ${S}.definition_progress`);
    this.addSql(`DROP SCHEMA bss_extensions CASCADE`);
  }
}
