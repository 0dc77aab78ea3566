import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { DependenciesHealth } from './dependencies.health.js';

/** GET /health: in every process that serves HTTP (a worker's on METRICS_PORT). */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [DependenciesHealth],
})
export class HealthModule {}
