import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type pg from 'pg';
import { AuditRoutesModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BoardModule } from './board/board.module.js';
import { BullMqModule } from './bullmq/bullmq.module.js';
import { DomainExceptionFilter } from './common/domain-exception.filter.js';
import { DriftModule } from './drift/drift.module.js';
import { DryRunModule } from './dry-run/dry-run.module.js';
import { validationPipe } from './http-setup.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ormOptions } from './database/orm-options.js';
import { PG_POOL, PgPoolModule } from './database/pg-pool.js';
import { FleetModule } from './fleet/fleet.module.js';
import { HealthModule } from './health/health.module.js';
import { loggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MetricsCoreModule } from './metrics/metrics.service.js';
import { RetentionModule } from './retention/retention.module.js';
import { RolloutsModule } from './rollouts/rollouts.module.js';
import { SchemaApplyModule } from './schema-apply/schema-apply.module.js';
import { TenantSchemasModule } from './tenant-schemas/tenant-schemas.module.js';

/**
 * Wires the feature modules for the process's APP_ROLE: `worker` serves no API, only /health
 * and /metrics on METRICS_PORT when that is set; `api` runs no jobs.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const api = config.role !== 'worker';
    const http = api || config.metricsPort !== null;
    const schemaApply = SchemaApplyModule.forRoot(config);
    const dryRun = DryRunModule.forRoot(config);
    const drift = DriftModule.forRoot(config);
    const rollouts = RolloutsModule.forRoot(config, { schemaApply, dryRun, drift });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        MetricsCoreModule,
        PgPoolModule,
        MikroOrmModule.forRootAsync({
          driver: PostgreSqlDriver,
          inject: [PG_POOL],
          useFactory: (pool: pg.Pool) => ({ ...ormOptions(config.databaseUrl, pool), autoLoadEntities: true }),
        }),
        BullMqModule,
        EventEmitterModule.forRoot(),
        schemaApply,
        dryRun,
        drift,
        rollouts,
        RetentionModule.forRoot(config),
        ...(http ? [HealthModule, MetricsModule] : []),
        ...(api ? [AuthModule, TenantSchemasModule, AuditRoutesModule, FleetModule.forRoot({ drift, rollouts }), BoardModule.forRoot()] : []),
      ],
      providers: api
        ? [
            { provide: APP_PIPE, useValue: validationPipe },
            { provide: APP_FILTER, useClass: DomainExceptionFilter },
          ]
        : [],
    };
  }
}
