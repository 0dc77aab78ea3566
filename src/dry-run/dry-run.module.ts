import { type DynamicModule, Module } from '@nestjs/common';
import { ApplyModule } from '../apply/apply.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ReplayModule } from '../replay/replay.module.js';
import type { AppConfig } from '../config/app-config.js';
import { DryRunController } from './dry-run.controller.js';
import { DryRunService } from './dry-run.service.js';

/** Dry runs: what a definition would do, on a shadow of its tenant or live (docs/contract.md §9). */
@Module({})
export class DryRunModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DryRunModule,
      imports: [AuditModule, ApplyModule, ReplayModule],
      controllers: config.role === 'worker' ? [] : [DryRunController],
      providers: [DryRunService],
      exports: [DryRunService],
    };
  }
}
