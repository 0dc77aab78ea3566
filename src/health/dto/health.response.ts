import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'HealthCheck' })
export class HealthCheckResponse {
  @ApiProperty({ type: String, enum: ['up', 'down'], example: 'up' })
  status: 'up' | 'down';

  @ApiPropertyOptional({ type: String, description: 'Why it is down', example: 'connect ECONNREFUSED 127.0.0.1:6379' })
  error?: string;
}

@ApiSchema({ name: 'HealthChecks' })
export class HealthChecksResponse {
  @ApiProperty({ type: () => HealthCheckResponse })
  postgres: HealthCheckResponse;

  @ApiProperty({ type: () => HealthCheckResponse })
  redis: HealthCheckResponse;
}

@ApiSchema({ name: 'Health' })
export class HealthResponse {
  @ApiProperty({ type: String, enum: ['ok', 'error'], example: 'ok' })
  status: 'ok' | 'error';

  @ApiProperty({ type: () => HealthChecksResponse })
  checks: HealthChecksResponse;
}
