import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const APP_ENVS = ['development', 'test', 'production'] as const;
export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppEnv = (typeof APP_ENVS)[number];
export type AppRole = (typeof APP_ROLES)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** The raw environment, as strings; validated once at start by loadConfig(). */
export class EnvSchema {
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/bss';

  /** The owner's connection, used only by `npm run migrate`; defaults to DATABASE_URL. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  MIGRATION_DATABASE_URL?: string;

  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsIn(APP_ENVS, { message: `must be one of ${APP_ENVS.join(', ')}` })
  APP_ENV: AppEnv = 'development';

  @IsIn(APP_ROLES, { message: `must be one of ${APP_ROLES.join(', ')}` })
  APP_ROLE: AppRole = 'all';

  // BullMQ joins prefix and queue name with ':'; braces allow a Redis Cluster hash tag.
  @Matches(/^[A-Za-z0-9_.{}-]{1,64}$/, { message: 'must be 1-64 characters of letters, digits, _ . - { }' })
  QUEUE_PREFIX = 'bss';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY = 8;

  @IsOptional()
  @IsString()
  API_TOKENS?: string;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** A worker process serves /metrics and /health on this port when set (it serves no API). */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  /** Per statement of a tenant's DDL. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100)
  @Max(3_600_000)
  APPLY_STATEMENT_TIMEOUT_MS = 60_000;

  /** How long a statement waits for a lock on a tenant's table. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100)
  @Max(600_000)
  APPLY_LOCK_TIMEOUT_MS = 5_000;

  /** Extensions a `trusted` definition may create (docs/contract.md §10); unset: every one PostgreSQL marks trusted. */
  @IsOptional()
  @Matches(/^\s*[A-Za-z0-9_-]+(\s*,\s*[A-Za-z0-9_-]+)*\s*$/, { message: 'must be a comma-separated list of extension names' })
  TRUSTED_EXTENSIONS?: string;

  /** A rollout's dry_run_first pauses it if the dry run would rewrite a table of more rows. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of rows' })
  @Min(0)
  DRY_RUN_REWRITE_ROWS = 100_000;

  /** A live dry run stops once a lock of SHARE or stronger on a tenant relation has been held this long. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1)
  @Max(3_600_000)
  DRY_RUN_MAX_LOCK_MS = 2000;

  /** Tries per attempt for transient faults before the record ends failed. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(100)
  APPLY_MAX_TRIES = 8;

  /** How long a worker's job lock lasts without renewal: a killed worker's job is retried after it. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1000)
  @Max(600_000)
  WORKER_LOCK_MS = 30_000;

  /** How often pending records without a job are looked for. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1000)
  @Max(3_600_000)
  RECONCILE_EVERY_MS = 30_000;

  /** On SIGTERM, how long running applies may take to finish. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(0)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 25_000;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of days' })
  @Min(0)
  @Max(36500)
  RETENTION_DAYS?: number;

  @Matches(/^\S+( \S+){4,5}$/, { message: 'must be a cron expression of 5 or 6 fields' })
  RETENTION_CRON = '0 3 * * *';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(100000)
  RETENTION_BATCH_SIZE = 5000;
}
