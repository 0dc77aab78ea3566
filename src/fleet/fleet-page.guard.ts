import { type CanActivate, type ExecutionContext, ForbiddenException, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { tokenFromBasic } from '../auth/basic-auth.js';
import { TokenRegistry } from '../auth/token-registry.js';
import type { ApiToken } from '../config/api-tokens.js';

/** Sent by the page's own script with every action: a form on another site cannot send it. */
export const PAGE_HEADER = 'x-fleet-page';

/**
 * The fleet page's auth, the board's HTTP Basic (user = token name, password = token): `read` to
 * look, `write` to act. 401 without valid credentials (the browser asks for them), 403 without the
 * scope, and an action without the page's header is refused too (a cross-site form would carry the
 * browser's Basic credentials, but cannot set a header).
 */
@Injectable()
export class FleetPageGuard implements CanActivate {
  constructor(private readonly tokens: TokenRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request & { token?: ApiToken }>();
    const token = tokenFromBasic(request.headers.authorization, this.tokens);
    if (!token) {
      context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Basic realm="bss-fleet", charset="UTF-8"');
      throw new HttpException({ statusCode: 401, error: 'Unauthorized', message: 'Basic credentials of an API token are required' }, HttpStatus.UNAUTHORIZED);
    }
    const acting = request.method !== 'GET' && request.method !== 'HEAD';
    const needed = acting ? 'write' : 'read';
    if (!token.scopes.has(needed)) throw new ForbiddenException(`token '${token.name}' lacks the '${needed}' scope`);
    if (acting && request.headers[PAGE_HEADER] !== '1') throw new ForbiddenException(`an action needs the ${PAGE_HEADER} header the fleet page sends`);
    request.token = token;
    return true;
  }
}
