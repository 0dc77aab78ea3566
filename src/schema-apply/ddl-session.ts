import pg from 'pg';
import { EXTENSION_SCHEMA } from '../ddl/policy.js';
import type { TenantRun } from './apply.types.js';
import {
  beginSql,
  CLOSE_TENANT_SESSION_SQL,
  enterTenantSql,
  FINISH_SQLSTATES,
  finishSql,
  GATE_FINISH_SQLSTATES,
  gateFinishSql,
  INSTALL_EXTENSION_SQL,
  OPEN_TENANT_SESSION_SQL,
  RELEASE_TENANT_SQL,
  tenantSessionSql,
} from './apply.sql.js';
import { tenantSessionSecret } from './scram-verifier.js';

export interface EndRow {
  ended: number;
  waiting: string[];
}

export interface Timeouts {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/** The attempt's own service connection and the tenant's lock it holds at session level from the claim to the end. */
export class LockHolder {
  locked?: string;
  broken = false;

  constructor(readonly client: pg.PoolClient) {}

  /** Ends the claim's transaction when the attempt will not run in it. */
  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK');
  }

  async close(): Promise<void> {
    if (this.locked && !this.broken) {
      await this.client.query(RELEASE_TENANT_SQL, [this.locked]).catch(() => (this.broken = true));
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
    const results = (await this.client.query(finishSql(migrationId, this.tenantId, details, (v) => this.client.escapeLiteral(v)))) as unknown as pg.QueryResult[];
    this.holder.locked = undefined; // released by the same round trip, after COMMIT
    return results[4].rows[0] as EndRow;
  }

  async close(): Promise<void> {}
}

/**
 * trusted: a connection of its own whose session user is the tenant's role (LOGIN only while that
 * connection is made, with a fresh secret), so that RESET ROLE or SET ROLE in dynamic SQL lands on the
 * tenant itself, never on the service. Its record ends through the gate function, in the DDL's
 * own transaction.
 */
export class TrustedSession implements DdlSession {
  readonly finishCodes = GATE_FINISH_SQLSTATES;

  private constructor(
    private readonly holder: LockHolder,
    private readonly tenantId: string,
    readonly client: pg.Client,
  ) {}

  /**
   * Opens the tenant's session. `options` are session settings (search_path, and for a
   * non-transactional definition its timeouts and a check that notices a vanished client).
   */
  static async open(holder: LockHolder, databaseUrl: string, tenantId: string, schema: string, settings: Record<string, string | number> = {}): Promise<TrustedSession> {
    const { secret, verifier } = tenantSessionSecret();
    const role = (await holder.client.query<{ role: string }>(OPEN_TENANT_SESSION_SQL, [tenantId, verifier])).rows[0].role;
    const url = new URL(databaseUrl);
    url.username = encodeURIComponent(role);
    url.password = secret;
    const options = Object.entries({ search_path: `${schema},${EXTENSION_SCHEMA}`, ...settings })
      .map(([name, value]) => `-c ${name}=${String(value)}`)
      .join(' ');
    const client = new pg.Client({ connectionString: url.toString(), application_name: 'bss-tenant-session', options });
    client.on('error', () => undefined); // a lost connection fails the next query instead
    const session = new TrustedSession(holder, tenantId, client);
    try {
      await client.connect();
    } catch (error) {
      await session.close();
      throw error;
    }
    // LOGIN only for the handshake: a session already made keeps running without it.
    await session.endLogin();
    return session;
  }

  begin(timeouts: Timeouts): Promise<string> {
    return Promise.resolve(`${beginSql(timeouts)};\n`);
  }

  async commit(migrationId: string, details: string): Promise<EndRow> {
    const results = (await this.client.query(gateFinishSql(migrationId, details, (v) => this.client.escapeLiteral(v)))) as unknown as pg.QueryResult[];
    return results[1].rows[0] as EndRow;
  }

  private loginEnded = false;
  private closed = false;

  /** Takes LOGIN and the secret away from the tenant's role (once). */
  private async endLogin(): Promise<void> {
    if (this.loginEnded || this.holder.broken) return;
    this.loginEnded = true;
    await this.holder.client.query(CLOSE_TENANT_SESSION_SQL, [this.tenantId]).catch(() => (this.holder.broken = true));
  }

  /** Ends the tenant's connection (once), and its LOGIN if the connection never came up; the lock stays with the holder. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.end().catch(() => undefined);
    await this.endLogin();
  }
}

/**
 * Where a run's DDL goes: the holder's own connection for strict; for trusted, the tenant's own
 * session, once the definition's extensions are installed into bss_extensions (a refusal's
 * details if one lives in another schema, where tenants cannot use it).
 */
export async function openDdlSession(
  holder: LockHolder,
  run: Pick<TenantRun, 'tenantId' | 'schema' | 'policy' | 'statements'>,
  databaseUrl: string,
  options: { settings?: Record<string, string | number>; enteredAs?: string } = {},
): Promise<{ session: DdlSession } | { refused: string }> {
  if (run.policy === 'strict') return { session: new StrictSession(holder, run.tenantId, run.schema, options.enteredAs) };
  for (const statement of run.statements) {
    if (statement.kind !== 'CreateExtensionStmt') continue;
    const name = statement.node.extname!.toLowerCase();
    const { schema } = (await holder.client.query<{ schema: string }>(INSTALL_EXTENSION_SQL, [name])).rows[0];
    if (schema !== EXTENSION_SCHEMA) {
      return {
        refused: `Refused before running anything: extension ${name} is installed in schema ${schema}, where tenants cannot use it; a DBA moves it with ALTER EXTENSION ${name} SET SCHEMA ${EXTENSION_SCHEMA}.`,
      };
    }
  }
  return { session: await TrustedSession.open(holder, databaseUrl, run.tenantId, run.schema, options.settings) };
}
