import { Global, Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from './pg-pool.token.js';
import { TrustedExtensions } from './trusted-extensions.js';

export { PG_POOL };

const poolProvider: Provider = {
  provide: PG_POOL,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      // One per concurrent apply, and room for the replays (REPLAYS_AT_ONCE, 4), the API and the reconciler:
      // an apply or replay holding one may need a second to open an apply session.
      max: config.workerConcurrency + 6,
      application_name: `bss-${config.role}`,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    // A client losing its connection (a PostgreSQL restart, say) must not crash the process:
    // idle ones are replaced by the pool, checked-out ones fail their next query instead.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    return pool;
  },
};

@Global()
@Module({ providers: [poolProvider, TrustedExtensions], exports: [PG_POOL, TrustedExtensions] })
export class PgPoolModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async onApplicationShutdown() {
    await this.pool.end();
  }
}
