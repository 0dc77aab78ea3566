-- Exactly what the service's runtime role (the user of DATABASE_URL) needs, and no more
-- (docs/contract.md §8). `npm run migrate` runs this as the owner after the migrations whenever the
-- runtime role is another role than the owner, with the role's name in the setting
-- bss.runtime_role: first it takes back whatever the role held in the schema, so the list below is
-- the whole truth. A table or function the service starts to use gets its line here.
DO $$
DECLARE
  v_role name := current_setting('bss.runtime_role');
  v_privileged name;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
    RAISE EXCEPTION 'the runtime role % (the user of DATABASE_URL) does not exist; create it first (see README, Privileges)', v_role;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role AND (rolsuper OR rolcreaterole)) THEN
    RAISE WARNING 'the runtime role % is a superuser or has CREATEROLE; it needs neither', v_role;
  END IF;
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA business_store_service FROM %I', v_role);
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA business_store_service FROM %I', v_role);
  EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA business_store_service FROM %I', v_role);
  EXECUTE format('REVOKE ALL ON SCHEMA business_store_service FROM %I', v_role);

  EXECUTE format('GRANT USAGE ON SCHEMA business_store_service TO %I', v_role);
  -- Definitions are immutable: read and insert only.
  EXECUTE format('GRANT SELECT, INSERT ON business_store_service.tenant_schemas TO %I', v_role);
  -- The audit log: insert pending attempts, end them; the triggers allow only pending -> ended.
  EXECUTE format('GRANT SELECT, INSERT ON business_store_service.schema_migrations TO %I', v_role);
  EXECUTE format('GRANT UPDATE (status, details, updated_at) ON business_store_service.schema_migrations TO %I', v_role);
  EXECUTE format('GRANT SELECT, INSERT ON business_store_service.retention_runs TO %I', v_role);
  -- The BullMQ job of an attempt added with plain BullMQ, for the reconciler.
  EXECUTE format('GRANT SELECT, INSERT ON business_store_service.attempt_jobs TO %I', v_role);
  -- Rollouts: the service's own state (counts are kept by triggers on rollout_tenants).
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON business_store_service.rollouts, business_store_service.rollout_waves, business_store_service.rollout_tenants TO %I', v_role);
  EXECUTE format('GRANT SELECT, INSERT ON business_store_service.rollout_attempts TO %I', v_role);
  -- Drift: expected descriptions (cached per history of definitions) and fleet checks.
  EXECUTE format('GRANT SELECT, INSERT ON business_store_service.drift_expected TO %I', v_role);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON business_store_service.drift_checks, business_store_service.drift_check_tenants TO %I', v_role);
  -- Non-transactional definitions: where each continues.
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON business_store_service.definition_progress TO %I', v_role);
  -- The apply (claim, end, strict entry, apply sessions, extensions) and the purge.
  EXECUTE format('GRANT EXECUTE ON FUNCTION
     business_store_service.tenant_lock_key(uuid), business_store_service.claim_attempt(uuid, boolean), business_store_service.release_tenant(uuid),
     business_store_service.end_attempt(uuid, text, text), business_store_service.finish_attempt(uuid, text),
     business_store_service.enter_tenant(uuid), business_store_service.leave_tenant(uuid),
     business_store_service.open_apply_session(text), business_store_service.close_apply_session(name, boolean),
     business_store_service.lend_tenant(uuid, name), business_store_service.reclaim_tenant(name), business_store_service.install_extension(text),
     business_store_service.purge_schema_migrations(timestamptz, integer), business_store_service.purgeable_schema_migrations(timestamptz)
     TO %I', v_role);

  -- Roles the runtime role must never be a member of: the purge path, provisioning and the gate go through their functions.
  FOREACH v_privileged IN ARRAY ARRAY['bss_audit_purge', 'bss_provisioner', 'bss_gate']::name[] LOOP
    IF EXISTS (SELECT 1 FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member JOIN pg_roles r ON r.oid = a.roleid
               WHERE m.rolname = v_role AND r.rolname = v_privileged) THEN
      EXECUTE format('REVOKE %I FROM %I', v_privileged, v_role);
    END IF;
  END LOOP;
  -- Indirect memberships are the DBA's to remove: the service must not reach them at all.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = v_role) AND (
       pg_has_role(v_role, current_user, 'MEMBER')
       OR EXISTS (SELECT 1 FROM unnest(ARRAY['bss_audit_purge', 'bss_provisioner', 'bss_gate']::name[]) p(r) WHERE pg_has_role(v_role, p.r, 'MEMBER'))) THEN
    RAISE EXCEPTION 'the runtime role % can become the owner % or a privileged role through other memberships; revoke them', v_role, current_user;
  END IF;
END $$;
