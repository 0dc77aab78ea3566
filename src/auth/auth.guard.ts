import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { ApiToken, Scope } from '../config/api-tokens.js';
import { SCOPE_KEY } from './scopes.decorator.js';
import { TokenRegistry } from './token-registry.js';

/** Bearer-token auth for every route; default-deny: an undeclared route needs `admin`. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const declared = this.reflector.getAllAndOverride<Scope | 'public' | undefined>(SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (declared === 'public') return true;
    const required: Scope = declared ?? 'admin';

    const request = context.switchToHttp().getRequest<Request & { principal?: string; token?: ApiToken }>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException('Authorization: Bearer TOKEN is required');
    const token = this.tokens.bySecret(match[1]);
    if (!token) throw new UnauthorizedException('unknown bearer token');
    if (!token.scopes.has(required)) {
      throw new ForbiddenException(`token '${token.name}' lacks the '${required}' scope`);
    }
    request.principal = token.name;
    request.token = token;
    return true;
  }
}
