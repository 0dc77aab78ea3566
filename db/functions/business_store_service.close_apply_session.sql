-- The apply session's connection is made (p_drop false): the role can log in no more. Or the
-- connection has ended (p_drop true): the role goes. Only a session role of this database.
CREATE OR REPLACE FUNCTION business_store_service.close_apply_session(p_role name, p_drop boolean) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
BEGIN
  IF NOT business_store_service.is_apply_session(p_role) THEN
    RAISE EXCEPTION '% is not an apply session role of this database', p_role USING ERRCODE = '42501';
  END IF;
  IF to_regrole(quote_ident(p_role)) IS NULL THEN
    RETURN;
  END IF;
  IF p_drop THEN
    BEGIN
      EXECUTE format('DROP ROLE %I', p_role);
      RETURN;
    EXCEPTION WHEN dependent_objects_still_exist THEN
      NULL; -- it owns something: kept, without LOGIN
    END;
  END IF;
  EXECUTE format('ALTER ROLE %I NOLOGIN PASSWORD NULL', p_role);
END $fn$;
ALTER FUNCTION business_store_service.close_apply_session(name, boolean) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.close_apply_session(name, boolean) FROM PUBLIC;
