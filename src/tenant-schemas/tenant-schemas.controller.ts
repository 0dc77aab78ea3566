import { Body, Controller, Get, Post } from '@nestjs/common';
import { RequireScope } from '../auth/scopes.decorator.js';
import { UuidParam } from '../common/uuid.js';
import { CreateTenantSchemaDto } from './dto/create-tenant-schema.dto.js';
import { toTenantSchemaJson } from './tenant-schema.mapper.js';
import { TenantSchemasService } from './tenant-schemas.service.js';

@Controller('v1')
export class TenantSchemasController {
  constructor(private readonly schemas: TenantSchemasService) {}

  @Post('tenant-schemas')
  @RequireScope('write')
  async create(@Body() dto: CreateTenantSchemaDto) {
    return toTenantSchemaJson(await this.schemas.create(dto));
  }

  @Get('tenant-schemas/:schema_id')
  @RequireScope('read')
  async get(@UuidParam('schema_id') schemaId: string) {
    return toTenantSchemaJson(await this.schemas.findById(schemaId));
  }

  @Get('tenants/:tenant_id/tenant-schemas')
  @RequireScope('read')
  async listForTenant(@UuidParam('tenant_id') tenantId: string) {
    return { items: (await this.schemas.listForTenant(tenantId)).map(toTenantSchemaJson) };
  }
}
