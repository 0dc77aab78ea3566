import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { MIGRATION_RECORD_EXAMPLE } from './audit/dto/migration-record.response.js';
import { BEARER_SCHEME } from './docs/api-responses.js';

export const DOCS_ROUTE = 'docs';

const DESCRIPTION = `Stores versioned DDL definitions for each tenant's PostgreSQL schema, applies them
(BullMQ job, one attempt per tenant at a time) and keeps the audit log of every attempt
(\`business_store_service.schema_migrations\`).

JSON in and out, snake_case fields, timestamps ISO 8601 in UTC. Every \`/v1\` route needs
\`Authorization: Bearer TOKEN\`: \`read\` for GET, \`write\` for POST on tenant schemas and
migrations, \`admin\` for retention. Missing or unknown token: 401; token without the scope: 403.
Errors have Nest's shape \`{"statusCode", "error", "message"}\`. Ids are UUIDs (400 otherwise).
Bodies over 1 MiB get 413; unknown fields get 400.

Not described as operations here:

- \`/admin/queues\`: Bull Board over every queue (progress and per-statement log of each job),
  HTTP Basic auth with user = token NAME and password = TOKEN; 401 without valid credentials,
  403 for a token without the \`admin\` scope.
- \`/docs\` (this UI) and \`/docs-json\` (this document): no token.`;

/** This service's package.json version, found by walking up from this file (src/ or dist/src/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'bss-schema-migrations' && pkg.version) return pkg.version;
    } catch {
      // not here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

/** Builds the OpenAPI document of every controller route. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('BSS tenant schema migrations')
    .setDescription(DESCRIPTION)
    .setVersion(packageVersion())
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (API_TOKENS): `read`, `write` or `admin` scope' }, BEARER_SCHEME)
    .addServer('/', 'This service (the host that serves this document)')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Every /v1 route declares its bearer token; the others (health, metrics) need none, which
  // OpenAPI says with an explicit empty requirement.
  for (const path of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = path[method];
      if (operation && !operation.security) operation.security = [];
    }
  }
  // Property examples are per field; the record as a whole gets the seed's example too.
  const record = document.components?.schemas?.MigrationRecord;
  if (record && !('$ref' in record)) record.example = { ...MIGRATION_RECORD_EXAMPLE };
  return document;
}

/** `/docs`: the Swagger UI; `/docs-json`: the document. Plain HTTP routes, outside the token guard. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_ROUTE, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_ROUTE}-json`,
    raw: ['json'],
    customSiteTitle: 'BSS tenant schema migrations API',
  });
}
