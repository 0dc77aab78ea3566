import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { TenantSchema } from './tenant-schema.entity.js';
import { TenantSchemasController } from './tenant-schemas.controller.js';
import { TenantSchemasService } from './tenant-schemas.service.js';

@Module({
  imports: [MikroOrmModule.forFeature([TenantSchema])],
  controllers: [TenantSchemasController],
  providers: [TenantSchemasService],
  exports: [TenantSchemasService],
})
export class TenantSchemasModule {}
