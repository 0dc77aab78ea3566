export const SCOPES = ['read', 'write', 'admin', 'trusted'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiToken {
  name: string;
  token: string;
  scopes: ReadonlySet<Scope>;
}

/** Parses `NAME:TOKEN:SCOPES,...`; throws a message that never echoes a token. */
export function parseApiTokens(raw: string): ApiToken[] {
  const tokens = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry, index) => {
      const first = entry.indexOf(':');
      const last = entry.lastIndexOf(':');
      if (first <= 0 || last === first || last === entry.length - 1) {
        throw new Error(`entry ${index + 1} must be NAME:TOKEN:SCOPES`);
      }
      const name = entry.slice(0, first);
      const token = entry.slice(first + 1, last);
      if (!/^[A-Za-z0-9_.@-]+$/.test(name)) throw new Error(`entry ${index + 1} has an invalid NAME`);
      if (token.length < 3) throw new Error(`token '${name}' must be at least 3 characters`);
      const scopes = entry.slice(last + 1).split('+');
      for (const scope of scopes) {
        if (!(SCOPES as readonly string[]).includes(scope)) {
          // Echo only what cannot be part of a secret that was mistyped into the scopes position.
          const shown = /^[a-z]{1,12}$/.test(scope) ? ` '${scope}'` : '';
          throw new Error(`token '${name}' has an unknown scope${shown} (allowed: ${SCOPES.join(', ')})`);
        }
      }
      return { name, token, scopes: new Set(scopes as Scope[]) };
    });
  const names = new Set(tokens.map((t) => t.name));
  if (names.size !== tokens.length) throw new Error('token names must be unique');
  if (tokens.length === 0) throw new Error('must hold at least one NAME:TOKEN:SCOPES entry');
  return tokens;
}
