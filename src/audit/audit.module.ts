import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AttemptsRepository } from './attempts.repository.js';
import { AttemptsService } from './attempts.service.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { SchemaMigration } from './schema-migration.entity.js';

/** The audit log, schema_migrations: the one owner of its reads and writes (attempts.repository.ts). */
@Module({
  imports: [MikroOrmModule.forFeature([SchemaMigration])],
  providers: [AttemptsRepository, AttemptsService, AuditService],
  exports: [AttemptsRepository, AttemptsService, AuditService],
})
export class AuditModule {}

/** The audit log's routes (api processes). */
@Module({ imports: [AuditModule], controllers: [AuditController] })
export class AuditRoutesModule {}
