import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CronExpressionParser } from 'cron-parser';
import { type ApiToken, parseApiTokens } from './api-tokens.js';
import { type AppEnv, type AppRole, EnvSchema, type LogLevel } from './env.schema.js';

/** Retention days when RETENTION_DAYS is unset; 0 keeps everything. */
const DEFAULT_RETENTION_DAYS: Record<AppEnv, number> = { development: 30, test: 1, production: 0 };

/** Only used where no API_TOKENS are given outside production; logged loudly at start. */
export const DEVELOPMENT_TOKEN = 'dev:dev-token:read+write+admin+trusted';

export interface AppConfig {
  env: AppEnv;
  role: AppRole;
  port: number;
  logLevel: LogLevel;
  /** Only for `worker` processes, which otherwise serve no HTTP. */
  metricsPort: number | null;
  databaseUrl: string;
  /** The owner's connection for `npm run migrate` (MIGRATION_DATABASE_URL, else DATABASE_URL). */
  migrationDatabaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  workerConcurrency: number;
  apply: { statementTimeoutMs: number; lockTimeoutMs: number; maxTries: number };
  /**
   * Extensions a trusted definition may create, once per database in schema bss_extensions;
   * null: every extension PostgreSQL itself marks trusted (database/trusted-extensions.ts).
   */
  trustedExtensions: string[] | null;
  /** A rollout's dry_run_first pauses it when the dry run would rewrite a table with more rows than this. */
  dryRunRewriteRows: number;
  /** A live dry run's default max_lock_ms. */
  dryRun: { maxLockMs: number };
  worker: { lockMs: number; reconcileEveryMs: number; shutdownTimeoutMs: number };
  apiTokens: ApiToken[];
  /** True when API_TOKENS was unset and the development token is in use. */
  developmentToken: boolean;
  /** `days` 0 keeps everything. */
  retention: { days: number; cron: string; batchSize: number };
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once; the only place that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.keys(new EnvSchema())
      .concat('API_TOKENS', 'RETENTION_DAYS', 'METRICS_PORT', 'MIGRATION_DATABASE_URL')
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = plainToInstance(EnvSchema, present, { exposeDefaultValues: true });
  const [error] = validateSync(parsed, { forbidUnknownValues: false });
  if (error) {
    throw new ConfigError(error.property, Object.values(error.constraints ?? {}).join('; '));
  }
  try {
    CronExpressionParser.parse(parsed.RETENTION_CRON, { tz: 'UTC' });
  } catch (e) {
    throw new ConfigError('RETENTION_CRON', `is not a valid cron expression: ${(e as Error).message}`);
  }

  const warnings: string[] = [];
  if (parsed.APP_ENV === 'production' && !parsed.API_TOKENS) {
    throw new ConfigError('API_TOKENS', 'is required when APP_ENV=production');
  }
  let apiTokens: ApiToken[];
  try {
    apiTokens = parseApiTokens(parsed.API_TOKENS ?? DEVELOPMENT_TOKEN);
  } catch (e) {
    throw new ConfigError('API_TOKENS', (e as Error).message);
  }
  const developmentToken = !parsed.API_TOKENS;
  if (developmentToken) {
    warnings.push(`API_TOKENS is unset: using the development token 'dev-token' with every scope (APP_ENV=${parsed.APP_ENV})`);
  }

  const days = parsed.RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS[parsed.APP_ENV];
  if (parsed.APP_ENV === 'production' && parsed.RETENTION_DAYS === undefined) {
    warnings.push('RETENTION_DAYS is unset in production: every migration record is kept');
  }

  return {
    env: parsed.APP_ENV,
    role: parsed.APP_ROLE,
    port: parsed.PORT,
    logLevel: parsed.LOG_LEVEL,
    metricsPort: parsed.METRICS_PORT ?? null,
    databaseUrl: parsed.DATABASE_URL,
    migrationDatabaseUrl: parsed.MIGRATION_DATABASE_URL ?? parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    queuePrefix: parsed.QUEUE_PREFIX,
    workerConcurrency: parsed.WORKER_CONCURRENCY,
    apply: {
      statementTimeoutMs: parsed.APPLY_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: parsed.APPLY_LOCK_TIMEOUT_MS,
      maxTries: parsed.APPLY_MAX_TRIES,
    },
    dryRunRewriteRows: parsed.DRY_RUN_REWRITE_ROWS,
    dryRun: { maxLockMs: parsed.DRY_RUN_MAX_LOCK_MS },
    trustedExtensions: parsed.TRUSTED_EXTENSIONS?.split(',').map((name) => name.trim().toLowerCase()) ?? null,
    worker: {
      lockMs: parsed.WORKER_LOCK_MS,
      reconcileEveryMs: parsed.RECONCILE_EVERY_MS,
      shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    },
    apiTokens,
    developmentToken,
    retention: { days, cron: parsed.RETENTION_CRON, batchSize: parsed.RETENTION_BATCH_SIZE },
    warnings,
  };
}
