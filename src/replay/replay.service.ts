import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { ApplySessions } from '../apply/apply-sessions.js';
import { beginSql, lendTenantSql, RESET_APPLY_SESSION_SQL, stepwiseSettingsSql, tenantSessionSql, trustedSettingsSql } from '../apply/apply.sql.js';
import { LockHolder, TrustedSession } from '../apply/ddl-session.js';
import { Turns } from '../common/turns.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from '../database/pg-pool.js';
import { SQLSTATES } from '../database/sqlstates.js';
import { tenantSchemaName } from '../ddl/tenant-schema-name.js';
import { type ReplayDefinition, type ReplayStatement, replayStatements } from './replay-statements.js';
import { HISTORY_SQL, REPLAY_SLOTS, replaySlot, TAKE_SLOT_SQL } from './replay.sql.js';

/** A tenant's applied definitions, in version order, to be replayed. */
export interface ReplayHistory {
  tenantId: string;
  definitions: ReplayDefinition[];
}

/** Where the replay stands, for the caller's work inside its transaction. */
export interface Scratch {
  /** The apply session, in the replay's transaction, acting as the scratch tenant's role. */
  client: pg.ClientBase;
  schema: string;
  role: string;
}

/** A definition that failed when replayed: the expected schema cannot be known. */
export class ReplayError extends Error {
  constructor(
    readonly version: number,
    readonly ordinal: number,
    override readonly cause: unknown,
  ) {
    const code = (cause as { code?: string }).code;
    super(`version ${version}, statement ${ordinal} fails on replay: ${code ? `SQLSTATE ${code} ` : ''}${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Replays one process runs at once: with the applies' WORKER_CONCURRENCY, within the pool's WORKER_CONCURRENCY + 6. */
const REPLAYS_AT_ONCE = 4;
/** How long a replay waits for a free scratch schema before giving up. */
const SLOT_WAIT_MS = 60_000;
const SLOT_POLL_MS = 50;

/**
 * Replays a tenant's applied definitions into a scratch schema, without touching the tenant: on
 * an apply session lent the role of a scratch tenant (a reserved tenant id), each definition as
 * the apply ran it (one transaction, or each statement alone for a non-transactional one, with
 * its policy's search_path and role). Then the caller's work (describe the result, or try one more
 * version), and everything the scratch tenant owns is dropped. Definitions commit one by one, as
 * they did: an enum label added by one version is used by the next. One replay at a time per
 * scratch tenant, held by its tenant lock like an attempt; REPLAY_SLOTS of them per database.
 */
@Injectable()
export class ReplayService {
  /**
   * A replay holds a pool connection while opening an apply session may need another: a fleet
   * check of many distinct histories must not take them all (src/database/pg-pool.ts).
   */
  private readonly turns = new Turns(REPLAYS_AT_ONCE);
  private readonly logger = new Logger(ReplayService.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: ApplySessions,
  ) {}

  /** A tenant's definitions of versions 1..`version` (immutable once stored), to replay. */
  async historyOf(tenantId: string, version: number): Promise<ReplayHistory> {
    return { tenantId, definitions: (await this.pool.query<ReplayDefinition>(HISTORY_SQL, [tenantId, version])).rows };
  }

  async replay<T>(history: ReplayHistory, inside: (scratch: Scratch) => Promise<T>): Promise<T> {
    return this.turns.run(() => this.replayInTurn(history, inside));
  }

  private async replayInTurn<T>(history: ReplayHistory, inside: (scratch: Scratch) => Promise<T>): Promise<T> {
    const holder = new LockHolder(await this.pool.connect());
    try {
      for (const deadline = Date.now() + SLOT_WAIT_MS; ; ) {
        const slot = await this.takeSlot(holder, deadline);
        let session: TrustedSession;
        try {
          session = await TrustedSession.open(holder, this.sessions, { tenantId: slot, schema: tenantSchemaName(slot) });
        } catch (error) {
          // The scratch tenant's last session is still ending (its process died): take another.
          if ((error as { code?: string }).code !== SQLSTATES.EARLIER_SESSION_RUNNING || Date.now() > deadline) throw error;
          await holder.client.query(holder.releaseSql());
          holder.released();
          continue;
        }
        try {
          return await this.run(holder, session, slot, history, inside);
        } finally {
          await session.close();
        }
      }
    } catch (error) {
      if (!(error instanceof ReplayError) && !(error as { code?: string }).code) holder.broken = true;
      throw error;
    } finally {
      await holder.close();
    }
  }

  private async run<T>(holder: LockHolder, session: TrustedSession, slot: string, history: ReplayHistory, inside: (scratch: Scratch) => Promise<T>): Promise<T> {
    const { client, role } = session;
    const schema = tenantSchemaName(slot);
    const from = tenantSchemaName(history.tenantId);
    try {
      // What a replay whose process died left behind: cleared, and the scratch schema made again.
      if ((await client.query('SELECT 1 FROM bss_catalog.describe_schemas($1) LIMIT 1', [[schema]])).rowCount) {
        await this.clear(client, role);
        await holder.client.query(lendTenantSql(slot, holder.lentTo!, (v) => holder.client.escapeLiteral(v)));
      }
      for (const definition of history.definitions) {
        const statements = await replayStatements(definition, from, schema);
        if (definition.transactional) await this.inOneTransaction(client, definition, statements, schema, role);
        else await this.stepwise(client, definition, statements, schema, role);
        // Each version was applied on a clean session: what one left (settings such as
        // default_transaction_read_only, temporary objects, locks) must not reach the next.
        await client.query(RESET_APPLY_SESSION_SQL);
      }
      return await inside({ client, schema, role });
    } finally {
      // Not the replay's outcome: what is left is cleared by the next replay in this scratch schema.
      await this.clear(client, role).catch((error: unknown) => {
        this.logger.warn(`scratch tenant ${slot} not cleared after a replay: ${(error as Error).message}`);
      });
    }
  }

  /** A transactional definition: one transaction, with its policy's search_path and role, as the apply runs it. */
  private async inOneTransaction(client: pg.ClientBase, definition: ReplayDefinition, statements: ReplayStatement[], schema: string, role: string): Promise<void> {
    const settings = definition.policy === 'strict' ? tenantSessionSql(schema, role) : trustedSettingsSql(schema, role, true);
    await client.query(`${beginSql(this.config.apply)};\n${settings}`);
    try {
      for (const statement of statements) await this.runStatement(client, definition, statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  /** A non-transactional one: each statement in a transaction of its own, as the apply's stepwise run. */
  private async stepwise(client: pg.ClientBase, definition: ReplayDefinition, statements: ReplayStatement[], schema: string, role: string): Promise<void> {
    await client.query(`${trustedSettingsSql(schema, role, false)}, ${stepwiseSettingsSql(this.config.apply)}`);
    try {
      for (const statement of statements) await this.runStatement(client, definition, statement);
    } finally {
      await client.query('RESET ROLE; RESET search_path');
    }
  }

  private async runStatement(client: pg.ClientBase, definition: ReplayDefinition, statement: ReplayStatement): Promise<void> {
    await client.query(statement.sql).catch((error: unknown) => {
      throw new ReplayError(definition.version, statement.ordinal, error);
    });
  }

  /** Everything the scratch tenant's role owns goes, its schema too (lend_tenant makes it again). */
  private async clear(client: pg.ClientBase, role: string): Promise<void> {
    await client.query(`${RESET_APPLY_SESSION_SQL}; SET ROLE ${role}; DROP OWNED BY ${role}; RESET ROLE`);
  }

  /** A scratch tenant no other replay holds (its tenant lock, at session level on the holder). */
  private async takeSlot(holder: LockHolder, deadline: number): Promise<string> {
    for (let round = 0; ; round++) {
      const start = Math.floor(Math.random() * REPLAY_SLOTS);
      for (let i = 0; i < REPLAY_SLOTS; i++) {
        const slot = replaySlot((start + i) % REPLAY_SLOTS);
        if ((await holder.client.query<{ taken: boolean }>(TAKE_SLOT_SQL, [slot])).rows[0].taken) {
          holder.locked = slot;
          return slot;
        }
      }
      if (Date.now() > deadline) throw new Error(`no scratch schema for a replay came free within ${SLOT_WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, SLOT_POLL_MS * Math.min(round + 1, 10)));
    }
  }
}
