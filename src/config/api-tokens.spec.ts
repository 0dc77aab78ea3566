import { parseApiTokens } from './api-tokens.js';

describe('parseApiTokens', () => {
  it('parses the contract example into two tokens with their scope sets', () => {
    const tokens = parseApiTokens('bss:s3cret:read+write,ops:0ps:read+admin');

    expect(tokens).toHaveLength(2);
    expect(tokens.map((t) => [t.name, t.token, [...t.scopes].sort()])).toEqual([
      ['bss', 's3cret', ['read', 'write']],
      ['ops', '0ps', ['admin', 'read']],
    ]);
    expect(tokens[0].scopes).toBeInstanceOf(Set);
    expect(tokens[0].scopes.has('admin')).toBe(false);
    expect(tokens[1].scopes.has('write')).toBe(false);
  });

  it('tolerates whitespace around entries and a trailing comma', () => {
    const tokens = parseApiTokens('  bss:s3cret:read ,\n\tops:0ps:admin  ,');

    expect(tokens.map((t) => t.name)).toEqual(['bss', 'ops']);
    expect(tokens[0].token).toBe('s3cret');
    expect([...tokens[0].scopes]).toEqual(['read']);
    expect([...tokens[1].scopes]).toEqual(['admin']);
  });

  it('rejects duplicate names', () => {
    expect(() => parseApiTokens('bss:s3cret:read,bss:other1:write')).toThrow('token names must be unique');
  });

  it('rejects an entry with an empty scope list', () => {
    expect(() => parseApiTokens('bss:s3cret:')).toThrow('entry 1 must be NAME:TOKEN:SCOPES');
  });

  it('rejects an empty scope between "+" separators', () => {
    expect(() => parseApiTokens('bss:s3cret:read+')).toThrow("token 'bss' has an unknown scope (allowed: read, write, admin, trusted)");
  });

  it('rejects an unknown scope, naming it and the token name but not the secret', () => {
    let error: Error | undefined;
    try {
      parseApiTokens('bss:s3cret:read,ops:0ps:read+superuser');
    } catch (e) {
      error = e as Error;
    }

    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain("unknown scope 'superuser'");
    expect(error!.message).toContain("token 'ops'");
    expect(error!.message).not.toContain('0ps:');
    expect(error!.message).not.toContain('s3cret');
  });

  it('rejects input with no entries', () => {
    expect(() => parseApiTokens(' , ,')).toThrow('must hold at least one NAME:TOKEN:SCOPES entry');
  });
});
