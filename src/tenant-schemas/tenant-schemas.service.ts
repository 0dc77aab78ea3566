import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/domain-errors.js';
import { TrustedExtensions } from '../database/trusted-extensions.js';
import { checkAllowed } from '../ddl/allow-list.js';
import { lintDefinition } from '../ddl/lint.js';
import { parseDdlCached } from '../ddl/parse-cache.js';
import { tenantSchemaName } from '../ddl/tenant-schema-name.js';
import type { CreateTenantSchemaDto } from './dto/create-tenant-schema.dto.js';
import { TenantSchema } from './tenant-schema.entity.js';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class TenantSchemasService {
  constructor(
    private readonly em: EntityManager,
    private readonly trustedExtensions: TrustedExtensions,
  ) {}

  /**
   * Stores a definition after the PostgreSQL parser and its policy's allow-list accept it, with
   * the lint's warnings (which never refuse it). Never enqueues.
   */
  async create(dto: CreateTenantSchemaDto): Promise<TenantSchema> {
    const policy = dto.policy ?? 'strict';
    const transactional = dto.transactional ?? true;
    const statements = await parseDdlCached(dto.ddl);
    checkAllowed(statements, tenantSchemaName(dto.tenant_id), { policy, transactional, trustedExtensions: await this.trustedExtensions.names() });
    const warnings = lintDefinition(statements);
    try {
      // The checksum is computed by the table's trigger, so it cannot disagree with the DDL.
      const [row] = await this.em.getConnection().execute(
        `INSERT INTO business_store_service.tenant_schemas (tenant_id, version, ddl, description, policy, transactional, warnings)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         RETURNING *`,
        [dto.tenant_id, dto.version, dto.ddl, dto.description ?? null, policy, transactional, JSON.stringify(warnings)],
      );
      return this.em.map(TenantSchema, row);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(`tenant '${dto.tenant_id}' already has version ${dto.version}`);
      }
      throw error;
    }
  }

  async findById(schemaId: string): Promise<TenantSchema> {
    const schema = await this.em.findOne(TenantSchema, { schemaId });
    if (!schema) throw new NotFoundError('tenant schema', schemaId);
    return schema;
  }

  listForTenant(tenantId: string): Promise<TenantSchema[]> {
    return this.em.find(TenantSchema, { tenantId }, { orderBy: { version: 'asc' } });
  }
}
