import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ApiToken, Scope } from '../config/api-tokens.js';

export const SCOPE_KEY = 'bss:scope';

/** The scope a route needs. Routes without it need `admin`, unless @Public(). */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

/** No token needed: health, metrics and docs. */
export const Public = () => SetMetadata(SCOPE_KEY, 'public');

/** The API token of the request, as AuthGuard accepted it (routes that need more than one scope check it). */
export const CallerToken = createParamDecorator((_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<{ token: ApiToken }>().token);
