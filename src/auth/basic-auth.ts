import type { ApiToken } from '../config/api-tokens.js';
import type { TokenRegistry } from './token-registry.js';

/** The API token named by HTTP Basic credentials (user = token name, password = token), if any. */
export function tokenFromBasic(authorization: string | undefined, tokens: TokenRegistry): ApiToken | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  return colon > 0 ? tokens.byNameAndSecret(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
}
