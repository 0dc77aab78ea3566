import { type ArgumentMetadata, BadRequestException, type INestApplication, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type NextFunction, type Request, type Response } from 'express';
import { setupOpenApi } from './openapi.js';
import { httpMetrics } from './metrics/http-metrics.middleware.js';
import { MetricsService } from './metrics/metrics.service.js';
import { findNul, nulMessage } from './common/nul-characters.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_ROLLOUT_BODY_BYTES = 8 * 1024 * 1024;
const ROLLOUTS_ROUTE = '/v1/rollouts';

/** Body-parser failures happen before Nest's filters, so they get Nest's error shape here. */
function bodyErrorHandler(error: { type?: string; status?: number; limit?: number; message: string }, _req: Request, res: Response, next: NextFunction) {
  if (!error.status || error.status >= 500) return next(error);
  const statusCode = error.status;
  const message =
    error.type === 'entity.too.large'
      ? error.limit === MAX_ROLLOUT_BODY_BYTES
        ? `request body exceeds ${MAX_ROLLOUT_BODY_BYTES} bytes (8 MiB)`
        : `request body exceeds ${MAX_BODY_BYTES} bytes (1 MiB)`
      : error.type === 'entity.parse.failed'
        ? `request body is not valid JSON: ${error.message}`
        : error.message;
  const name = statusCode === 413 ? 'Payload Too Large' : statusCode === 415 ? 'Unsupported Media Type' : 'Bad Request';
  res.status(statusCode).json({ statusCode, error: name, message });
}

/** Messages of a validation error and its children, each naming the field's path. */
function validationMessages(error: ValidationError, path: string): string[] {
  if (error.constraints?.whitelistValidation) return [`${path} is not an allowed field`];
  const own = Object.values(error.constraints ?? {}).map((m) => (m.startsWith(error.property) ? m.replace(error.property, path) : `${path}: ${m}`));
  if (own.length) return own;
  return (error.children ?? []).flatMap((child) => validationMessages(child, `${path}.${child.property}`));
}

/** Every route's body, query and parameters: first no NUL anywhere (PostgreSQL cannot store it), then the DTO's rules. */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const field = findNul(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
    if (field !== undefined) throw new BadRequestException([nulMessage(field || metadata.type)]);
    return super.transform(value, metadata);
  }
}

/** Validation for every DTO: unknown fields are refused, messages name the field. */
export const validationPipe = new AppValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  exceptionFactory: (errors) => {
    const messages = errors.flatMap((error) => validationMessages(error, error.property));
    return new BadRequestException(messages.length ? messages : ['request body must be a JSON object']);
  },
});

/** HTTP concerns shared by main.ts and the e2e tests. */
export function configureHttp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.use(httpMetrics(app.get(MetricsService)));
  // A rollout may list 100,000 tenant ids (about 4 MB of JSON); every other body stays within 1 MiB.
  express.use(ROLLOUTS_ROUTE, json({ limit: MAX_ROLLOUT_BODY_BYTES }));
  express.useBodyParser('json', { limit: MAX_BODY_BYTES });
  express.use(bodyErrorHandler);
  express.set('query parser', 'simple');
  // Express would hash every body for a weak ETag; audit pages change as attempts land, and no
  // client of this API sends If-None-Match.
  express.set('etag', false);
  setupOpenApi(app);
}
