import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { FleetPageController } from './fleet-page.controller.js';
import { FleetPageGuard } from './fleet-page.guard.js';
import { FleetController } from './fleet.controller.js';
import { FleetService } from './fleet.service.js';

/** The fleet's standing (api): GET /v1/fleet, and the fleet page /admin/fleet. */
@Module({})
export class FleetModule {
  static forRoot(uses: { drift: DynamicModule; rollouts: DynamicModule }): DynamicModule {
    return {
      module: FleetModule,
      imports: [AuditModule, uses.drift, uses.rollouts],
      controllers: [FleetController, FleetPageController],
      providers: [FleetService, FleetPageGuard],
      exports: [FleetService],
    };
  }
}
