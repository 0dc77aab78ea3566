import { type DynamicModule, Module } from '@nestjs/common';
import { ApplyModule } from '../apply/apply.module.js';
import { AuditModule } from '../audit/audit.module.js';
import type { AppConfig } from '../config/app-config.js';
import { DryRunController } from './dry-run.controller.js';
import { DryRunService } from './dry-run.service.js';

/** Dry runs: a definition applied as an attempt would be, then rolled back (docs/contract.md §9). */
@Module({})
export class DryRunModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DryRunModule,
      imports: [AuditModule, ApplyModule],
      controllers: config.role === 'worker' ? [] : [DryRunController],
      providers: [DryRunService],
      exports: [DryRunService],
    };
  }
}
