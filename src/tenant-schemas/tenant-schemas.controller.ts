import { Body, Controller, ForbiddenException, Get, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CallerToken, RequireScope } from '../auth/scopes.decorator.js';
import type { ApiToken } from '../config/api-tokens.js';
import { UuidParam } from '../common/uuid.js';
import { ApiErrorResponses, ApiTokenAuth } from '../docs/api-responses.js';
import { CreateTenantSchemaDto } from './dto/create-tenant-schema.dto.js';
import { TenantSchemaListResponse, TenantSchemaResponse } from './dto/tenant-schema.response.js';
import { toTenantSchemaJson } from './tenant-schema.mapper.js';
import { TenantSchemasService } from './tenant-schemas.service.js';

@ApiTags('tenant-schemas')
@Controller('v1')
export class TenantSchemasController {
  constructor(private readonly schemas: TenantSchemasService) {}

  @Post('tenant-schemas')
  @RequireScope('write')
  @ApiTokenAuth('write')
  @ApiOperation({
    summary: "Store a version of a tenant's DDL",
    description: 'The DDL is parsed with the PostgreSQL parser and checked against the tenant sandbox allow-list; `checksum` is the SHA-256 hex of `ddl`.',
  })
  @ApiBody({ type: CreateTenantSchemaDto })
  @ApiCreatedResponse({ type: TenantSchemaResponse })
  @ApiErrorResponses([400, 403, 409, 413], {
    400: 'Invalid body, DDL that does not parse (parser message, position, line, column), has no statement, or holds a statement that its policy does not allow',
    403: "The token lacks the 'write' scope, or the 'trusted' scope for policy: trusted",
    409: 'The tenant already has that version',
  })
  async create(@Body() dto: CreateTenantSchemaDto, @CallerToken() token: ApiToken) {
    if (dto.policy === 'trusted' && !token.scopes.has('trusted')) {
      throw new ForbiddenException(`token '${token.name}' lacks the 'trusted' scope that policy: trusted needs`);
    }
    return toTenantSchemaJson(await this.schemas.create(dto));
  }

  @Get('tenant-schemas/:schema_id')
  @RequireScope('read')
  @ApiTokenAuth('read')
  @ApiOperation({ summary: 'One tenant schema definition' })
  @ApiParam({ name: 'schema_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: TenantSchemaResponse })
  @ApiErrorResponses([400, 404])
  async get(@UuidParam('schema_id') schemaId: string) {
    return toTenantSchemaJson(await this.schemas.findById(schemaId));
  }

  @Get('tenants/:tenant_id/tenant-schemas')
  @RequireScope('read')
  @ApiTokenAuth('read')
  @ApiOperation({ summary: "A tenant's definitions", description: 'By version ascending.' })
  @ApiParam({ name: 'tenant_id', type: String, format: 'uuid' })
  @ApiOkResponse({ type: TenantSchemaListResponse })
  @ApiErrorResponses([400])
  async listForTenant(@UuidParam('tenant_id') tenantId: string) {
    return { items: (await this.schemas.listForTenant(tenantId)).map(toTenantSchemaJson) };
  }
}
