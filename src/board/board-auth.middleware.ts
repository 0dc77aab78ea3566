import type { NextFunction, Request, Response } from 'express';
import type { TokenRegistry } from '../auth/token-registry.js';

/**
 * HTTP Basic auth for the Bull Board, which is raw Express and outside Nest's guards:
 * user = token name, password = token. 401 without valid credentials, 403 without `admin`.
 */
export function boardAuth(tokens: TokenRegistry) {
  return (req: Request, res: Response, next: NextFunction) => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const token = colon > 0 ? tokens.byNameAndSecret(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
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
