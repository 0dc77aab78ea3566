import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes.decorator.js';
import { ApiTokenAuth } from '../docs/api-responses.js';
import { DriftCheckResponse } from '../drift/dto/drift.dto.js';
import { FleetService } from './fleet.service.js';

class FleetVersionResponse {
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ type: 'integer' }) tenants: number;
}

@ApiSchema({ name: 'Fleet', description: 'How many tenants stand at each version, and how many are pending, failed or drifted' })
class FleetResponse {
  @ApiProperty({ type: 'integer', description: 'Every tenant with a definition' }) tenants: number;
  @ApiProperty({ type: () => FleetVersionResponse, isArray: true, description: 'Tenants per current version, version 0 included' }) versions: FleetVersionResponse[];
  @ApiProperty({ type: 'integer', description: 'Tenants with an attempt pending' }) pending: number;
  @ApiProperty({ type: 'integer', description: 'Tenants whose latest attempt failed' }) failed: number;
  @ApiProperty({ type: 'integer', description: 'Tenants the latest completed drift check found drifted' }) drifted: number;
  @ApiProperty({ type: () => DriftCheckResponse, nullable: true }) last_drift_check: DriftCheckResponse | null;
}

@ApiTags('fleet')
@Controller('v1/fleet')
export class FleetController {
  constructor(private readonly fleet: FleetService) {}

  @Get()
  @RequireScope('read')
  @ApiTokenAuth('read')
  @ApiOperation({ summary: 'The fleet: tenants per version, pending, failed, drifted' })
  @ApiOkResponse({ type: FleetResponse })
  get() {
    return this.fleet.fleet();
  }
}
