import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { FleetController } from './fleet.controller.js';
import { FleetService } from './fleet.service.js';

/** The fleet's standing (api): GET /v1/fleet. */
@Module({})
export class FleetModule {
  static forRoot(drift: DynamicModule): DynamicModule {
    return { module: FleetModule, imports: [AuditModule, drift], controllers: [FleetController], providers: [FleetService], exports: [FleetService] };
  }
}
