import { Migration } from '@mikro-orm/migrations';

/** The audit log exactly as the seed design specifies it, and the definitions it references. */
export class Migration20261124000000_audit_log extends Migration {
  override up(): void {
    this.addSql(`CREATE SCHEMA IF NOT EXISTS business_store_service`);

    this.addSql(`
      CREATE TABLE business_store_service.tenant_schemas (
        schema_id   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id   UUID NOT NULL,
        version     INTEGER NOT NULL CONSTRAINT tenant_schemas_version_chk CHECK (version > 0),
        ddl         TEXT NOT NULL,
        checksum    CHAR(64) NOT NULL,
        description TEXT NULL,
        created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
        CONSTRAINT tenant_schemas_tenant_id_version_key UNIQUE (tenant_id, version)
      )`);

    // The database, not the application, guarantees that the checksum is the DDL's
    // SHA-256 and that a stored definition never changes.
    this.addSql(`
      CREATE FUNCTION business_store_service.tenant_schemas_guard() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          RAISE EXCEPTION 'tenant_schemas rows are immutable: store a new version instead'
            USING ERRCODE = '42501';
        END IF;
        NEW.checksum := encode(sha256(convert_to(NEW.ddl, 'UTF8')), 'hex');
        RETURN NEW;
      END $$`);
    this.addSql(`
      CREATE TRIGGER tenant_schemas_guard
      BEFORE INSERT OR UPDATE ON business_store_service.tenant_schemas
      FOR EACH ROW EXECUTE FUNCTION business_store_service.tenant_schemas_guard()`);

    this.addSql(`
      CREATE TABLE business_store_service.schema_migrations (
        migration_id     UUID NOT NULL DEFAULT gen_random_uuid(),
        tenant_schema_id UUID NOT NULL,
        tenant_id        UUID NOT NULL,
        version_applied  INTEGER NOT NULL,
        status           TEXT NOT NULL DEFAULT 'pending',
        details          TEXT NULL,
        applied_by       VARCHAR(255) NULL,
        created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
        updated_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
        CONSTRAINT schema_migrations_pkey PRIMARY KEY (migration_id),
        CONSTRAINT schema_migrations_status_chk CHECK (status IN ('pending', 'success', 'failed')),
        CONSTRAINT schema_migrations_tenant_schema_id_fkey FOREIGN KEY (tenant_schema_id)
          REFERENCES business_store_service.tenant_schemas (schema_id) ON DELETE RESTRICT
      )`);
    this.addSql(`CREATE INDEX schema_migrations_tenant_id_idx ON business_store_service.schema_migrations (tenant_id)`);
    this.addSql(`CREATE INDEX schema_migrations_schema_id_idx ON business_store_service.schema_migrations (tenant_schema_id)`);
    this.addSql(`CREATE INDEX schema_migrations_created_at_idx ON business_store_service.schema_migrations (created_at)`);
    // A tenant's history, newest first, paged by (created_at, migration_id): an index scan with no sort.
    this.addSql(`
      CREATE INDEX schema_migrations_tenant_history_idx
      ON business_store_service.schema_migrations (tenant_id, created_at DESC, migration_id DESC)`);
    // The same, filtered by status (e.g. a tenant's failed attempts).
    this.addSql(`
      CREATE INDEX schema_migrations_tenant_status_history_idx
      ON business_store_service.schema_migrations (tenant_id, status, created_at DESC, migration_id DESC)`);
    // A tenant's current version: its highest successful attempt.
    this.addSql(`
      CREATE INDEX schema_migrations_tenant_success_idx
      ON business_store_service.schema_migrations (tenant_id, version_applied DESC)
      WHERE status = 'success'`);
  }

  override down(): void {
    this.addSql(`DROP TABLE business_store_service.schema_migrations`);
    this.addSql(`DROP TABLE business_store_service.tenant_schemas`);
    this.addSql(`DROP FUNCTION business_store_service.tenant_schemas_guard()`);
  }
}
