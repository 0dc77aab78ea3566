import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import type { AppRole } from '../config/env.schema.js';
import { ApplyProcessor } from './apply.processor.js';
import { ApplyService } from './apply.service.js';
import { AttemptsService } from './attempts.service.js';
import { MigrationsController } from './migrations.controller.js';
import { ReconcileScheduler } from './reconcile.scheduler.js';
import { ReconcilerService } from './reconciler.service.js';
import { SchemaApplyProducer } from './schema-apply.producer.js';
import { SchemaApplyWorkers } from './schema-apply.workers.js';

/** Recording attempts (routes), applying them (workers) and keeping none stuck (reconciler). */
@Module({})
export class SchemaApplyModule {
  static forRole(role: AppRole): DynamicModule {
    return {
      module: SchemaApplyModule,
      imports: [AuditModule],
      controllers: role === 'worker' ? [] : [MigrationsController],
      providers: [
        AttemptsService,
        ApplyService,
        ApplyProcessor,
        ReconcilerService,
        SchemaApplyProducer,
        ReconcileScheduler,
        ...(role === 'api' ? [] : [SchemaApplyWorkers]),
      ],
      exports: [SchemaApplyProducer, ReconcileScheduler],
    };
  }
}
