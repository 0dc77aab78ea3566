import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';

/** GET /metrics, in processes that serve HTTP (request timing is wired in configureHttp). */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
