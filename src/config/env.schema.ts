import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const APP_ENVS = ['development', 'test', 'production'] as const;
export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppEnv = (typeof APP_ENVS)[number];
export type AppRole = (typeof APP_ROLES)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** The raw environment, as strings; validated once at start by loadConfig(). */
export class EnvSchema {
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/bss';

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
