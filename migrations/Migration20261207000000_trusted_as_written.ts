import { Migration } from '@mikro-orm/migrations';
import { sqlStatements } from '../src/database/sql-source.js';

const S = 'business_store_service';
const LOADED = [
  'functions/business_store_service.is_apply_session.sql',
  'functions/business_store_service.open_apply_session.sql',
  'functions/business_store_service.close_apply_session.sql',
  'functions/business_store_service.lend_tenant.sql',
  'functions/business_store_service.reclaim_tenant.sql',
  'functions/bss_gate.check_session.sql',
  'functions/bss_gate.finish_attempt.sql',
  'catalog/bss_catalog.sql',
];
const RESTORED = 'history/Migration20261207000000_trusted_as_written';

/** `bss_tenants_<database OID>`: holds TEMPORARY on this database for its tenant roles. Cluster-wide, so kept on down. */
const TENANTS_GROUP = `'bss_tenants_' || to_hex((SELECT oid FROM pg_database WHERE datname = current_database())::bigint)`;

/**
 * Trusted definitions as their authors wrote them (docs/contract.md §10).
 * - A trusted DDL runs in a pooled apply session: a LOGIN role of its own that owns nothing and is
 *   lent one tenant's role per attempt (open_apply_session, lend_tenant, reclaim_tenant), instead
 *   of a new connection logged in as the tenant. Tenant roles never log in again.
 * - A tenant role lent to a session inherits TEMPORARY on the database from one group role, for
 *   temporary tables (lend_tenant does it once per tenant; strict tenants never need it).
 * - bss_catalog: views over the catalogs that show a tenant's session only its own objects.
 */
export class Migration20261207000000_trusted_as_written extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      DO $$
      DECLARE v_group name := ${TENANTS_GROUP};
      BEGIN
        IF to_regrole(v_group) IS NULL THEN
          EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', v_group);
        END IF;
        EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), v_group);
      END $$`);
    // No tenant role keeps a LOGIN left by an attempt's session whose process died mid-handshake.
    this.addSql(`
      DO $$
      DECLARE v_role record;
      BEGIN
        FOR v_role IN SELECT r.rolname FROM pg_roles r WHERE r.rolname LIKE 'bss\\_tenant\\_%' AND r.rolcanlogin LOOP
          EXECUTE format('ALTER ROLE %I NOLOGIN PASSWORD NULL', v_role.rolname);
        END LOOP;
      END $$`);
    this.addSql(`CREATE SCHEMA bss_catalog`);
    for (const file of LOADED) for (const sql of await sqlStatements(file)) this.addSql(sql);
    this.addSql(`DROP FUNCTION ${S}.open_tenant_session(uuid, text)`);
    this.addSql(`DROP FUNCTION ${S}.close_tenant_session(uuid)`);
  }

  override async down(): Promise<void> {
    for (const name of ['open_tenant_session', 'close_tenant_session']) {
      for (const sql of await sqlStatements(`${RESTORED}/${S}.${name}.sql`)) this.addSql(sql);
    }
    for (const name of ['check_session', 'finish_attempt']) {
      for (const sql of await sqlStatements(`${RESTORED}/bss_gate.${name}.sql`)) this.addSql(sql);
    }
    this.addSql(`DROP SCHEMA bss_catalog CASCADE`);
    for (const fn of ['reclaim_tenant(name)', 'lend_tenant(uuid, name)', 'close_apply_session(name, boolean)', 'open_apply_session(text)', 'is_apply_session(text)']) {
      this.addSql(`DROP FUNCTION ${S}.${fn}`);
    }
    this.addSql(`
      DO $$
      DECLARE
        v_group name := ${TENANTS_GROUP};
        v_role record;
      BEGIN
        FOR v_role IN SELECT a.member::regrole::text AS name FROM pg_auth_members a WHERE a.roleid = to_regrole(v_group) LOOP
          EXECUTE format('REVOKE %I FROM %I', v_group, v_role.name);
          EXECUTE format('ALTER ROLE %I NOINHERIT', v_role.name);
        END LOOP;
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM %I', current_database(), v_group);
      END $$`);
  }
}
