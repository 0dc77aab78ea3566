import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from '../database/pg-pool.js';
import { CLOSE_APPLY_SESSION_SQL, OPEN_APPLY_SESSION_SQL, RESET_APPLY_SESSION_SQL } from './apply.sql.js';
import { tenantSessionSecret } from './scram-verifier.js';

/** An idle session is closed after this long: a quiet worker holds no connections it does not use. */
const IDLE_MS = 30_000;

/** One connection logged in as an apply session role of its own (open_apply_session). */
export class ApplySession {
  /** False once its connection failed or its clean-up did: it is closed, never handed out again. */
  usable = true;
  idleTimer?: NodeJS.Timeout;

  constructor(
    readonly role: string,
    readonly client: pg.Client,
  ) {}
}

/**
 * The connections this process runs trusted DDL on. Each logs in once, as a role of its own that
 * owns nothing (LOGIN only for its handshake), and is lent one tenant's role per attempt
 * (lend_tenant). Between attempts everything a session can carry to the next tenant is
 * discarded: temporary objects, settings, prepared statements, cursors, LISTEN, advisory locks,
 * cached plans and sequence state. A session that cannot be cleaned is closed, and its role dropped.
 */
@Injectable()
export class ApplySessions implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly idle: ApplySession[] = [];
  private readonly all = new Set<ApplySession>();
  private shuttingDown = false;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async acquire(): Promise<ApplySession> {
    for (let session = this.idle.pop(); session; session = this.idle.pop()) {
      clearTimeout(session.idleTimer);
      if (session.usable) return session;
      await this.close(session);
    }
    return this.connect();
  }

  /** Back to the pool once nothing of its attempt is left in it; otherwise closed. */
  async release(session: ApplySession): Promise<void> {
    if (session.usable && !this.shuttingDown) {
      try {
        await session.client.query(RESET_APPLY_SESSION_SQL);
        session.idleTimer = setTimeout(() => void this.retire(session), IDLE_MS).unref();
        this.idle.push(session);
        return;
      } catch {
        session.usable = false;
      }
    }
    await this.close(session);
  }

  /** Idle sessions close now, busy ones when their attempt releases them (while the pool still serves). */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all(this.idle.splice(0).map((session) => this.close(session)));
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.all].map((session) => this.close(session)));
  }

  private async connect(): Promise<ApplySession> {
    const { secret, verifier } = tenantSessionSecret();
    const role = (await this.pool.query<{ role: string }>(OPEN_APPLY_SESSION_SQL, [verifier])).rows[0].role;
    const url = new URL(this.config.databaseUrl);
    url.username = encodeURIComponent(role);
    url.password = secret;
    const client = new pg.Client({ connectionString: url.toString(), application_name: 'bss-apply-session' });
    const session = new ApplySession(role, client);
    // A lost connection fails the next query instead, and the session is closed then.
    client.on('error', () => (session.usable = false));
    client.on('end', () => (session.usable = false));
    this.all.add(session);
    try {
      await client.connect();
      // LOGIN only for the handshake: a session already made keeps running without it.
      await this.pool.query(CLOSE_APPLY_SESSION_SQL, [role, false]);
    } catch (error) {
      await this.close(session);
      throw error;
    }
    return session;
  }

  private async retire(session: ApplySession): Promise<void> {
    const at = this.idle.indexOf(session);
    if (at < 0) return;
    this.idle.splice(at, 1);
    await this.close(session);
  }

  /** Ends the connection, then drops its role (best effort: open_apply_session drops what is left). */
  private async close(session: ApplySession): Promise<void> {
    session.usable = false;
    clearTimeout(session.idleTimer);
    if (!this.all.delete(session)) return;
    await session.client.end().catch(() => undefined);
    await this.pool.query(CLOSE_APPLY_SESSION_SQL, [session.role, true]).catch(() => undefined);
  }
}
