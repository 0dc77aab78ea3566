import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from './error.response.js';

/** Name of the bearer security scheme in the OpenAPI document. */
export const BEARER_SCHEME = 'bearer';

const ERRORS = {
  400: { error: 'Bad Request', description: 'Invalid input: the message names the field or value at fault', message: ['tenant_id must be a UUID'] },
  401: { error: 'Unauthorized', description: 'Missing or unknown bearer token', message: 'Authorization: Bearer TOKEN is required' },
  403: { error: 'Forbidden', description: 'The token lacks the scope this route needs', message: "token 'reader' lacks the 'write' scope" },
  404: { error: 'Not Found', description: 'No such record', message: "migration 'f1e2d3c4-b5a6-7890-4321-abcdef123456' not found" },
  409: { error: 'Conflict', description: 'Conflicts with what is stored', message: "version 3 of tenant '0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d' is already applied (migration 'f1e2d3c4-b5a6-7890-4321-abcdef123456')" },
  413: { error: 'Payload Too Large', description: 'Request body over 1 MiB', message: 'request body exceeds 1048576 bytes (1 MiB)' },
} as const;

export type DocumentedError = keyof typeof ERRORS;

/** Error responses in Nest's shape, one per status, each with its own description and example. */
export function ApiErrorResponses(statuses: DocumentedError[], descriptions: Partial<Record<DocumentedError, string>> = {}) {
  return applyDecorators(
    ...statuses.map((status) => {
      const { error, description, message } = ERRORS[status];
      return ApiResponse({
        status,
        description: descriptions[status] ?? description,
        type: ErrorResponse,
        example: { statusCode: status, error, message },
      });
    }),
  );
}

/** A /v1 route: bearer token with `scope`; 401 without a valid token, 403 without the scope. */
export function ApiTokenAuth(scope: 'read' | 'write' | 'admin') {
  return applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiErrorResponses([401, 403], { 403: `The token lacks the '${scope}' scope` }),
  );
}
