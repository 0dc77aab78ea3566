import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from './pg-pool.token.js';

/** What PostgreSQL lets a database owner create without superuser: the control file says `trusted = true`. */
const POSTGRES_TRUSTED_SQL = 'SELECT DISTINCT name FROM pg_catalog.pg_available_extension_versions WHERE trusted ORDER BY name';

/**
 * The extensions a trusted definition may create (TRUSTED_EXTENSIONS): the configured list, or by
 * default every extension this PostgreSQL server marks trusted (asked once, when first needed).
 */
@Injectable()
export class TrustedExtensions {
  private known?: Promise<readonly string[]>;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  names(): Promise<readonly string[]> {
    if (this.config.trustedExtensions) return Promise.resolve(this.config.trustedExtensions);
    this.known ??= this.pool.query<{ name: string }>(POSTGRES_TRUSTED_SQL).then(
      ({ rows }) => rows.map((r) => r.name),
      (error: unknown) => {
        this.known = undefined; // PostgreSQL away: ask again next time
        throw error;
      },
    );
    return this.known;
  }
}
