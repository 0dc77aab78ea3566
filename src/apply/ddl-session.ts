import type pg from 'pg';
import type { EndRow } from '../audit/attempts.repository.js';
import { EXTENSION_SCHEMA } from '../ddl/policy.js';
import type { ApplySession, ApplySessions } from './apply-sessions.js';
import type { TenantRun } from './apply.types.js';
import {
  beginSql,
  enterTenantSql,
  FINISH_SQLSTATES,
  FINISH_RESULT,
  finishSql,
  GATE_FINISH_SQLSTATES,
  gateFinishSql,
  INSTALL_EXTENSION_SQL,
  lendTenantSql,
  RECLAIM_TENANT_SQL,
  releaseSql,
  stepwiseSettingsSql,
  tenantSessionSql,
  trustedSettingsSql,
} from './apply.sql.js';

export interface Timeouts {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/** The attempt's own service connection and the tenant's lock it holds at session level from the claim to the end. */
export class LockHolder {
  locked?: string;
  /** The apply session the tenant's role is lent to (trusted), until it is taken back. */
  lentTo?: string;
  broken = false;

  constructor(readonly client: pg.PoolClient) {}

  /** The claim's transaction is open (its snapshot and locks are not needed once the attempt runs elsewhere). */
  claimOpen = false;

  /** Ends the claim's transaction when the attempt will not run in it. */
  async rollback(): Promise<void> {
    this.claimOpen = false;
    await this.client.query('ROLLBACK');
  }

  /** `sql` (one statement, literals inlined), preceded by the claim transaction's ROLLBACK while it is open: one round trip. */
  afterClaim(sql: string): string {
    const prefix = this.claimOpen ? 'ROLLBACK;\n' : '';
    this.claimOpen = false;
    return prefix + sql;
  }

  /** The SQL that releases the tenant's lock; call released() once it ran. */
  releaseSql(): string {
    return releaseSql(this.locked!);
  }

  released(): void {
    this.locked = undefined;
  }

  /** Takes the tenant's role back from the apply session it was lent to, if the attempt did not already. */
  async reclaim(): Promise<void> {
    if (!this.lentTo) return;
    await this.client.query(RECLAIM_TENANT_SQL, [this.lentTo]);
    this.lentTo = undefined;
  }

  async close(): Promise<void> {
    if (this.locked && !this.broken) {
      await this.client.query(this.releaseSql()).then(
        () => this.released(),
        () => (this.broken = true),
      );
    }
    // A connection in doubt is closed, not reused: closing it also frees any lock it still holds.
    this.client.release(this.broken);
  }
}

/** Where a version's statements run, and how its transaction opens and commits. */
export interface DdlSession {
  readonly client: pg.ClientBase;
  /** SQLSTATEs of the record's end refusing it, as opposed to the deferred checks or COMMIT failing. */
  readonly finishCodes: ReadonlySet<string>;
  /**
   * Opens the DDL's transaction and session; what it returns is sent ahead of the first
   * statement, in its round trip (it cannot fail: only settings, or BEGIN).
   */
  begin(timeouts: Timeouts): Promise<string>;
  /** Deferred constraints, the record's success and COMMIT, in one round trip. */
  commit(migrationId: string, details: string): Promise<EndRow>;
  /** Ends where the DDL ran (idempotent); for a tenant's own session, before its lock is released. */
  close(): Promise<void>;
}

/**
 * strict: the service's own connection under SET LOCAL ROLE to the tenant's role. The allow-list
 * leaves the DDL no way to change roles (no dynamic SQL), and finish_attempt checks it did not.
 */
export class StrictSession implements DdlSession {
  readonly finishCodes = FINISH_SQLSTATES;

  /** `enteredAs`: the claim's transaction has entered the tenant already, as this role. */
  constructor(
    private readonly holder: LockHolder,
    private readonly tenantId: string,
    private readonly schema: string,
    private readonly enteredAs?: string,
  ) {}

  get client(): pg.ClientBase {
    return this.holder.client;
  }

  async begin(timeouts: Timeouts): Promise<string> {
    if (this.enteredAs) return `${tenantSessionSql(this.schema, this.enteredAs)};\n`;
    await this.client.query(enterTenantSql(this.tenantId, this.schema, timeouts));
    return '';
  }

  async commit(migrationId: string, details: string): Promise<EndRow> {
    const results = (await this.client.query(finishSql(migrationId, this.tenantId, details, this.holder.releaseSql(), (v) => this.client.escapeLiteral(v)))) as unknown as pg.QueryResult[];
    this.holder.released(); // by the same round trip, after COMMIT
    return results[FINISH_RESULT].rows[0] as EndRow;
  }

  async close(): Promise<void> {}
}

/**
 * trusted: an apply session (apply-sessions.ts), lent the tenant's role for this attempt and
 * acting as it (SET ROLE). Its session user owns nothing, so RESET ROLE or SET ROLE in dynamic
 * SQL lands on a role that can do nothing or on this tenant, never on the service or another
 * tenant. Unqualified catalog names show only the tenant's own objects (bss_catalog). Its record
 * ends through the gate function, in the DDL's own transaction.
 */
export class TrustedSession implements DdlSession {
  readonly finishCodes = GATE_FINISH_SQLSTATES;
  private closed = false;

  private constructor(
    private readonly holder: LockHolder,
    private readonly sessions: ApplySessions,
    private readonly session: ApplySession,
    private readonly schema: string,
    /** The tenant's role, lent to the session. */
    readonly role: string,
  ) {}

  get client(): pg.ClientBase {
    return this.session.client;
  }

  /**
   * Lends a session of the pool the tenant's role (the holder holds the tenant's lock). `stepwise`: a non-transactional definition's statements
   * run outside one transaction, so the session acts as the tenant, with these timeouts and a
   * check that notices a vanished client, for the whole attempt.
   */
  static async open(holder: LockHolder, sessions: ApplySessions, run: Pick<TenantRun, 'tenantId' | 'schema'>, stepwise?: Timeouts): Promise<TrustedSession> {
    const session = await sessions.acquire();
    let role: string;
    try {
      const lend = holder.afterClaim(lendTenantSql(run.tenantId, session.role, (v) => holder.client.escapeLiteral(v)));
      const results = (await holder.client.query<{ role: string }>(lend)) as unknown as pg.QueryResult<{ role: string }> | pg.QueryResult<{ role: string }>[];
      role = (Array.isArray(results) ? results[results.length - 1] : results).rows[0].role;
    } catch (error) {
      await sessions.release(session); // nothing was lent
      throw error;
    }
    holder.lentTo = session.role;
    const trusted = new TrustedSession(holder, sessions, session, run.schema, role);
    if (stepwise) {
      await session.client.query(`${trustedSettingsSql(run.schema, role, false)}, ${stepwiseSettingsSql(stepwise)}`).catch(async (error: unknown) => {
        await trusted.close();
        throw error;
      });
    }
    return trusted;
  }

  begin(timeouts: Timeouts): Promise<string> {
    return Promise.resolve(`${beginSql(timeouts)};\n${trustedSettingsSql(this.schema, this.role, true)};\n`);
  }

  async commit(migrationId: string, details: string): Promise<EndRow> {
    const results = (await this.client.query(gateFinishSql(migrationId, details, (v) => this.client.escapeLiteral(v)))) as unknown as pg.QueryResult[];
    this.holder.lentTo = undefined; // the gate took the tenant's role back in the same transaction
    return results[1].rows[0] as EndRow;
  }

  /**
   * Hands the session back, cleaned of this attempt (once), after the tenant's role is taken back
   * from it: only then may another attempt lend it a role. The tenant's lock stays with the holder.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.holder.reclaim();
    } catch {
      this.holder.broken = true;
      this.session.usable = false; // closed, and its role (with the membership) dropped
    }
    await this.sessions.release(this.session);
  }
}

/**
 * Where a run's DDL goes: the holder's own connection for strict; for trusted, an apply session,
 * once the definition's extensions are installed into bss_extensions (a refusal's details if one
 * lives in another schema, where tenants cannot use it).
 */
export async function openDdlSession(
  holder: LockHolder,
  run: Pick<TenantRun, 'tenantId' | 'schema' | 'policy' | 'extensions'>,
  sessions: ApplySessions,
  options: { stepwise?: Timeouts; enteredAs?: string } = {},
): Promise<{ session: DdlSession } | { refused: string }> {
  if (run.policy === 'strict') return { session: new StrictSession(holder, run.tenantId, run.schema, options.enteredAs) };
  const refused = await installExtensions(holder, run);
  if (refused) return { refused };
  return { session: await TrustedSession.open(holder, sessions, run, options.stepwise) };
}

/** Installs the extensions a trusted run creates; a refusal's details if one lives where tenants cannot use it. */
export async function installExtensions(holder: LockHolder, run: Pick<TenantRun, 'extensions'>): Promise<string | undefined> {
  // Installed outside the claim's transaction, or its end would undo them.
  if (run.extensions.length > 0 && holder.claimOpen) await holder.rollback();
  for (const name of run.extensions) {
    const { schema } = (await holder.client.query<{ schema: string }>(INSTALL_EXTENSION_SQL, [name])).rows[0];
    if (schema !== EXTENSION_SCHEMA && schema !== 'pg_catalog') {
      return `Refused before running anything: extension ${name} is installed in schema ${schema}, where tenants cannot use it; a DBA moves it with ALTER EXTENSION ${name} SET SCHEMA ${EXTENSION_SCHEMA}.`;
    }
  }
  return undefined;
}
