import { SERVICE_SCHEMA } from './orm-options.js';

const S = SERVICE_SCHEMA;

/** Roles the runtime role must never be a member of: the purge path and tenant provisioning go through their functions. */
export const PRIVILEGED_ROLES = ['bss_audit_purge', 'bss_provisioner', 'bss_gate'];

/**
 * Exactly what the service needs, and no more (contract §8). Applied by `npm run migrate` (as the
 * owner) whenever the runtime role differs from the owner, after first taking back whatever the
 * role held in the schema, so that the list below is the whole truth. Add a line here with every
 * migration that adds a table or a function the service uses.
 */
const GRANTS = [
  `GRANT USAGE ON SCHEMA ${S} TO %1$I`,
  // Definitions are immutable: read and insert only.
  `GRANT SELECT, INSERT ON ${S}.tenant_schemas TO %1$I`,
  // The audit log: insert pending records, end them; the triggers allow only pending -> ended.
  `GRANT SELECT, INSERT ON ${S}.schema_migrations TO %1$I`,
  `GRANT UPDATE (status, details, updated_at) ON ${S}.schema_migrations TO %1$I`,
  `GRANT SELECT, INSERT ON ${S}.retention_runs TO %1$I`,
  // The BullMQ job of an attempt added with plain BullMQ, for the reconciler.
  `GRANT SELECT, INSERT ON ${S}.attempt_jobs TO %1$I`,
  // Rollouts: the service's own state (counts are kept by triggers on rollout_tenants).
  `GRANT SELECT, INSERT, UPDATE ON ${S}.rollouts, ${S}.rollout_waves, ${S}.rollout_tenants TO %1$I`,
  `GRANT SELECT, INSERT ON ${S}.rollout_attempts TO %1$I`,
  // Non-transactional definitions: where each continues.
  `GRANT SELECT, INSERT, UPDATE ON ${S}.definition_progress TO %1$I`,
  `GRANT EXECUTE ON FUNCTION ${S}.tenant_lock_key(uuid), ${S}.claim_attempt(uuid, boolean), ${S}.release_tenant(uuid),
     ${S}.end_attempt(uuid, text, text), ${S}.finish_attempt(uuid, text), ${S}.enter_tenant(uuid), ${S}.leave_tenant(uuid),
     ${S}.purge_schema_migrations(timestamptz, integer), ${S}.purgeable_schema_migrations(timestamptz),
     ${S}.install_extension(text), ${S}.open_apply_session(text), ${S}.close_apply_session(name, boolean),
     ${S}.lend_tenant(uuid, name), ${S}.reclaim_tenant(name) TO %1$I`,
];

/** SQL run by the owner: reset the runtime role's privileges in the schema, then grant the list. */
export function runtimeGrantsSql(): string {
  const statements = [
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${S} FROM %1$I`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${S} FROM %1$I`,
    `REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ${S} FROM %1$I`,
    `REVOKE ALL ON SCHEMA ${S} FROM %1$I`,
    ...GRANTS,
  ];
  const privileged = PRIVILEGED_ROLES.map((r) => `'${r}'`).join(', ');
  return `
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
${statements.map((sql) => `  EXECUTE format('${sql.replace(/'/g, "''")}', v_role);`).join('\n')}
  FOREACH v_privileged IN ARRAY ARRAY[${privileged}]::name[] LOOP
    IF EXISTS (SELECT 1 FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member JOIN pg_roles r ON r.oid = a.roleid
               WHERE m.rolname = v_role AND r.rolname = v_privileged) THEN
      EXECUTE format('REVOKE %I FROM %I', v_privileged, v_role);
    END IF;
  END LOOP;
  -- Indirect memberships are the DBA's to remove: the service must not reach them at all.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = v_role) AND (
       pg_has_role(v_role, current_user, 'MEMBER')
       OR EXISTS (SELECT 1 FROM unnest(ARRAY[${privileged}]::name[]) p(r) WHERE pg_has_role(v_role, p.r, 'MEMBER'))) THEN
    RAISE EXCEPTION 'the runtime role % can become the owner % or a privileged role through other memberships; revoke them', v_role, current_user;
  END IF;
END $$`;
}
