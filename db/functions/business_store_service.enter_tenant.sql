-- For a strict attempt, inside its transaction: the tenant provisioned, and the caller made a member
-- of its role so that it can SET ROLE to it; leave_tenant takes the membership back before COMMIT
-- (and ROLLBACK does too), so the caller is never a member outside an attempt. A superuser may SET
-- ROLE to any role already; bss.member_granted tells leave_tenant.
CREATE OR REPLACE FUNCTION business_store_service.enter_tenant(p_tenant_id uuid) RETURNS name
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
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
END
$fn$;
ALTER FUNCTION business_store_service.enter_tenant(uuid) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.enter_tenant(uuid) FROM PUBLIC;
