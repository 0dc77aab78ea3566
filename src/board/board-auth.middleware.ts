import type { NextFunction, Request, Response } from 'express';
import { tokenFromBasic } from '../auth/basic-auth.js';
import type { TokenRegistry } from '../auth/token-registry.js';

/**
 * HTTP Basic auth for the Bull Board, which is raw Express and outside Nest's guards:
 * user = token name, password = token. 401 without valid credentials, 403 without `admin`.
 */
export function boardAuth(tokens: TokenRegistry) {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = tokenFromBasic(req.headers.authorization, tokens);
    if (!token) {
      res.setHeader('WWW-Authenticate', 'Basic realm="bss-queues", charset="UTF-8"');
      res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'Basic credentials of an API token are required' });
      return;
    }
    if (!token.scopes.has('admin')) {
      res.status(403).json({ statusCode: 403, error: 'Forbidden', message: `token '${token.name}' lacks the 'admin' scope` });
      return;
    }
    next();
  };
}
