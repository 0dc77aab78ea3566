import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/scopes.decorator.js';
import { DependenciesHealth } from './dependencies.health.js';

const TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependenciesHealth,
  ) {}

  /** 200 when PostgreSQL and Redis both answer; 503 naming the one that does not (Terminus' shape). */
  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness of PostgreSQL and Redis', description: 'No token needed. `error` names what is down, with its message.' })
  check() {
    return this.health.check([
      () => this.dependencies.postgres('postgres').withTimeout(TIMEOUT_MS),
      () => this.dependencies.redisPing('redis').withTimeout(TIMEOUT_MS),
    ]);
  }
}
