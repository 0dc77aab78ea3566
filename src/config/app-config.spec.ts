import { ConfigError, loadConfig } from './app-config.js';

const TOKENS = 'bss:s3cret-token-value:read+write,ops:0ps-secret:read+admin';

/** Runs loadConfig and returns the ConfigError it throws (fails if it throws nothing or something else). */
function configError(env: Record<string, string>): ConfigError {
  let thrown: unknown;
  try {
    loadConfig(env);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}

describe('loadConfig', () => {
  describe('defaults for an empty environment', () => {
    const config = loadConfig({});

    it('uses local Postgres and Redis', () => {
      expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/bss');
      expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    });

    it('runs on port 3000 as development with role all', () => {
      expect(config.port).toBe(3000);
      expect(config.env).toBe('development');
      expect(config.role).toBe('all');
    });

    it('uses the bss queue prefix and default concurrency', () => {
      expect(config.queuePrefix).toBe('bss');
      expect(config.workerConcurrency).toBe(8);
    });

    it('keeps 30 days of history, pruned at 03:00', () => {
      expect(config.retention).toEqual({ days: 30, cron: '0 3 * * *', batchSize: 5000 });
    });

    it('falls back to the single development token with every scope, and warns', () => {
      expect(config.developmentToken).toBe(true);
      expect(config.apiTokens).toHaveLength(1);
      expect(config.apiTokens[0].name).toBe('dev');
      expect([...config.apiTokens[0].scopes].sort()).toEqual(['admin', 'read', 'trusted', 'write']);
      expect(config.warnings.some((w) => w.includes('API_TOKENS'))).toBe(true);
    });
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '', APP_ENV: '', QUEUE_PREFIX: '', API_TOKENS: '' });

    expect(config.port).toBe(3000);
    expect(config.env).toBe('development');
    expect(config.queuePrefix).toBe('bss');
    expect(config.developmentToken).toBe(true);
  });

  it('reads explicit values and converts numbers', () => {
    const config = loadConfig({
      PORT: '8080',
      APP_ROLE: 'worker',
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      REDIS_URL: 'rediss://cache:6380',
      QUEUE_PREFIX: '{bss}',
      WORKER_CONCURRENCY: '16',
      RETENTION_CRON: '*/5 * * * *',
      RETENTION_BATCH_SIZE: '100',
      API_TOKENS: TOKENS,
    });

    expect(config).toMatchObject({
      port: 8080,
      role: 'worker',
      databaseUrl: 'postgresql://u:p@db:5432/x',
      redisUrl: 'rediss://cache:6380',
      queuePrefix: '{bss}',
      workerConcurrency: 16,
      retention: { days: 30, cron: '*/5 * * * *', batchSize: 100 },
      developmentToken: false,
    });
    expect(config.apiTokens.map((t) => t.name)).toEqual(['bss', 'ops']);
    expect(config.warnings).toEqual([]);
  });

  it('does not read process.env', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4321';
    try {
      expect(loadConfig({}).port).toBe(3000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  describe('rejects an invalid variable with a ConfigError naming it', () => {
    it.each([
      ['PORT', 'abc'],
      ['PORT', '70000'],
      ['PORT', '0'],
      ['APP_ENV', 'staging'],
      ['APP_ROLE', 'both'],
      ['DATABASE_URL', 'mysql://x'],
      ['REDIS_URL', 'http://x'],
      ['QUEUE_PREFIX', 'a:b'],
      ['WORKER_CONCURRENCY', '0'],
      ['RETENTION_DAYS', '-1'],
      ['RETENTION_DAYS', '1.5'],
      ['RETENTION_CRON', 'not a cron'],
      ['RETENTION_CRON', '61 * * * *'],
      ['RETENTION_BATCH_SIZE', '0'],
    ])('%s=%s', (variable, value) => {
      const error = configError({ [variable]: value });

      expect(error.variable).toBe(variable);
      expect(error.message.startsWith(`Invalid configuration: ${variable} `)).toBe(true);
    });

    it('API_TOKENS with an unknown scope names the scope', () => {
      const error = configError({ API_TOKENS: 'bss:s3cret-token-value:read+root' });

      expect(error.variable).toBe('API_TOKENS');
      expect(error.message).toMatch(/^Invalid configuration: API_TOKENS /);
      expect(error.message).toContain("unknown scope 'root'");
    });

    it.each([
      ['no scopes', 'bss:s3cret-token-value'],
      ['a bare secret', 's3cret-token-value'],
      ['an invalid name', 'b ss:s3cret-token-value:read'],
      ['a trailing colon', 'bss:s3cret-token-value:'],
      ['duplicate names', 'bss:s3cret-token-value:read,bss:0ps-secret:write'],
    ])('malformed API_TOKENS (%s)', (_label, value) => {
      const error = configError({ API_TOKENS: value });

      expect(error.variable).toBe('API_TOKENS');
      expect(error.message).toMatch(/^Invalid configuration: API_TOKENS /);
    });
  });

  it.each([
    ['an unknown scope', 'bss:s3cret-token-value:read,ops:0ps-secret:read+root'],
    ['a missing scope list', 'ops:0ps-secret:,bss:s3cret-token-value:read'],
    ['an invalid name', 'o ps:0ps-secret:read'],
    ['a duplicate name', 'ops:s3cret-token-value:read,ops:0ps-secret:read'],
    ['no colons', '0ps-secret'],
  ])('never puts the secret token text in a ConfigError message (%s)', (_label, value) => {
    const error = configError({ APP_ENV: 'production', API_TOKENS: value });

    expect(error.variable).toBe('API_TOKENS');
    expect(error.message).not.toContain('0ps-secret');
    expect(error.message).not.toContain('s3cret-token-value');
  });

  describe('production', () => {
    it('requires API_TOKENS', () => {
      const error = configError({ APP_ENV: 'production' });

      expect(error.variable).toBe('API_TOKENS');
      expect(error.message).toContain('API_TOKENS');
      expect(error.message).toContain('production');
    });

    it('keeps every record without RETENTION_DAYS and warns about it', () => {
      const config = loadConfig({ APP_ENV: 'production', API_TOKENS: TOKENS });

      expect(config.env).toBe('production');
      expect(config.developmentToken).toBe(false);
      expect(config.apiTokens.map((t) => t.token)).toEqual(['s3cret-token-value', '0ps-secret']);
      expect(config.retention.days).toBe(0);
      expect(config.warnings).toHaveLength(1);
      expect(config.warnings[0]).toContain('RETENTION_DAYS');
    });

    it('does not warn when RETENTION_DAYS is set', () => {
      const config = loadConfig({ APP_ENV: 'production', API_TOKENS: TOKENS, RETENTION_DAYS: '90' });

      expect(config.retention.days).toBe(90);
      expect(config.warnings).toEqual([]);
    });
  });

  describe('retention days', () => {
    it('defaults to 1 day under APP_ENV=test', () => {
      expect(loadConfig({ APP_ENV: 'test' }).retention.days).toBe(1);
    });

    it('treats RETENTION_DAYS=0 as keep everything', () => {
      expect(loadConfig({ RETENTION_DAYS: '0' }).retention.days).toBe(0);
      expect(loadConfig({ APP_ENV: 'test', RETENTION_DAYS: '0' }).retention.days).toBe(0);
    });

    it('lets RETENTION_DAYS=7 override the environment default', () => {
      expect(loadConfig({ RETENTION_DAYS: '7' }).retention.days).toBe(7);
      expect(loadConfig({ APP_ENV: 'test', RETENTION_DAYS: '7' }).retention.days).toBe(7);
    });
  });

  it('accepts a 6-field cron expression', () => {
    expect(loadConfig({ RETENTION_CRON: '30 0 3 * * *' }).retention.cron).toBe('30 0 3 * * *');
  });
});
