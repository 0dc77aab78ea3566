import { SetMetadata } from '@nestjs/common';
import type { Scope } from '../config/api-tokens.js';

export const SCOPE_KEY = 'bss:scope';

/** The scope a route needs. Routes without it need `admin`, unless @Public(). */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

/** No token needed: health, metrics and docs. */
export const Public = () => SetMetadata(SCOPE_KEY, 'public');
