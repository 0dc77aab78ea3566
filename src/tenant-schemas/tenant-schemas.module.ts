import { Module } from '@nestjs/common';
import { TenantSchemasController } from './tenant-schemas.controller.js';
import { TenantSchemasService } from './tenant-schemas.service.js';

@Module({
  controllers: [TenantSchemasController],
  providers: [TenantSchemasService],
  exports: [TenantSchemasService],
})
export class TenantSchemasModule {}
