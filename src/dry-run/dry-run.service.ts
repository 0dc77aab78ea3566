import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from '../database/pg-pool.js';
import { TrustedExtensions } from '../database/trusted-extensions.js';
import type { DefinitionPolicy } from '../ddl/allow-list.js';
import { ApplySessions } from '../apply/apply-sessions.js';
import { checkBeforeRunning } from '../apply/attempt-checks.js';
import { LockHolder, openDdlSession } from '../apply/ddl-session.js';
import { type ApplyStep, describeFault } from '../apply/fault-policy.js';
import { AttemptsRepository } from '../audit/attempts.repository.js';
import { CAPTURE_SQL, CLAIM_DEFINITION_SQL } from './dry-run.sql.js';

/** Strongest first, as PostgreSQL orders its table lock modes. */
const LOCK_MODES = [
  'AccessExclusiveLock',
  'ExclusiveLock',
  'ShareRowExclusiveLock',
  'ShareLock',
  'ShareUpdateExclusiveLock',
  'RowExclusiveLock',
  'RowShareLock',
  'AccessShareLock',
];
/** `AccessExclusiveLock` as SQL spells it: `ACCESS EXCLUSIVE`. */
const sqlMode = (mode: string) => mode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();

export interface PlannedStatement {
  ordinal: number;
  text: string;
  duration_ms: number;
  locks: { relation: string; mode: string }[];
  rewrites: string[];
}

export interface DryRunPlan {
  schema_id: string;
  tenant_id: string;
  version: number;
  would: 'success' | 'failed';
  details: string;
  statements: PlannedStatement[];
}

/** The plan, and the row count of the largest table it rewrote (for a rollout's dry_run_first). */
export interface DryRunResult {
  plan: DryRunPlan;
  largestRewrite?: { table: string; rows: number };
}

interface Captured {
  locks: { oid: number; relation: string; mode: string }[];
  tables: { oid: number; relation: string; filenode: number; tuples: number }[];
}

interface ClaimedDefinition {
  tenant_id: string;
  version: number;
  ddl: string;
  policy: DefinitionPolicy;
  transactional: boolean;
  locked: boolean;
}

/**
 * Runs a definition against its own tenant exactly as an apply would (same role and session,
 * sandbox, tenant lock, version check, timeouts), records after each statement the relation
 * locks it took (from pg_locks of its own backend) and the tables whose storage it rewrote (their
 * relfilenode changed), then rolls everything back. No record is written.
 */
@Injectable()
export class DryRunService {
  private readonly logger = new Logger(DryRunService.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: ApplySessions,
    private readonly trustedExtensions: TrustedExtensions,
    private readonly attempts: AttemptsRepository,
  ) {}

  async dryRun(schemaId: string): Promise<DryRunResult> {
    const holder = new LockHolder(await this.pool.connect());
    try {
      const def = (await holder.client.query<ClaimedDefinition>(CLAIM_DEFINITION_SQL, [schemaId])).rows[0];
      if (!def) throw new NotFoundError('tenant schema', schemaId);
      if (def.locked) holder.locked = def.tenant_id;
      if (!def.transactional) {
        throw new InvalidInputError(`tenant schema '${schemaId}' is transactional: false: its statements commit one by one, so a dry run cannot roll them back`);
      }
      if (!def.locked) throw new ConflictError(`tenant '${def.tenant_id}' is busy with an attempt; dry-run again once it has ended`);
      const result = await this.plan(holder, schemaId, def);
      this.logger.log({ msg: `dry run would ${result.plan.would}`, schema_id: schemaId, tenant_id: def.tenant_id, version: def.version, details: result.plan.details });
      return result;
    } finally {
      await holder.close();
    }
  }

  private async plan(holder: LockHolder, schemaId: string, def: ClaimedDefinition): Promise<DryRunResult> {
    const answer = (would: 'success' | 'failed', details: string, statements: PlannedStatement[] = []): DryRunPlan => ({
      schema_id: schemaId,
      tenant_id: def.tenant_id,
      version: def.version,
      would,
      details,
      statements,
    });
    // Read under the tenant's lock (held by the holder), in a statement of its own.
    const versions = await this.attempts.standing(def.tenant_id, def.version);
    const checked = await checkBeforeRunning(
      { migrationId: '', tenantId: def.tenant_id, tenantSchemaId: schemaId, ...def, currentVersion: versions.current_version, previousPending: versions.previous_pending },
      await this.trustedExtensions.names(),
    );
    if (checked.kind === 'wait') {
      return { plan: answer('failed', `Version ${def.version} applies only on top of version ${def.version - 1}, which is still pending (current version ${versions.current_version}).`) };
    }
    if (checked.kind === 'refused') return { plan: answer('failed', checked.details) };
    const { run } = checked;
    const opened = await openDdlSession(holder, run, this.sessions);
    if ('refused' in opened) return { plan: answer('failed', opened.refused) };
    const { session } = opened;
    const planned: PlannedStatement[] = [];
    let largestRewrite: DryRunResult['largestRewrite'];
    try {
      // A trusted session's BEGIN is sent on its own here: the dry run captures before the first statement.
      const prefix = await session.begin(this.config.apply);
      if (prefix) await session.client.query(prefix);
      let before = await this.capture(session.client, run.schema);
      for (const statement of run.statements) {
        const step: ApplyStep = { at: 'statement', statement, total: run.statements.length };
        const started = performance.now();
        try {
          if (statement.kind !== 'CreateExtensionStmt') await session.client.query(statement.text);
        } catch (error) {
          planned.push({ ordinal: statement.ordinal, text: statement.text, duration_ms: elapsed(started), locks: [], rewrites: [] });
          return { plan: answer('failed', describeFault(step, error, this.config.apply), planned) };
        }
        const duration = elapsed(started);
        const after = await this.capture(session.client, run.schema);
        const rewrites = rewritten(before, after);
        planned.push({ ordinal: statement.ordinal, text: statement.text, duration_ms: duration, locks: newLocks(before, after), rewrites: rewrites.map((t) => t.relation) });
        for (const table of rewrites) {
          const rows = Number((await session.client.query<{ n: string }>(`SELECT count(*) AS n FROM ${session.client.escapeIdentifier(run.schema)}.${session.client.escapeIdentifier(table.relation)}`)).rows[0].n);
          if (!largestRewrite || rows > largestRewrite.rows) largestRewrite = { table: table.relation, rows };
        }
        before = after;
      }
      return { plan: answer('success', run.details, planned), largestRewrite };
    } finally {
      await session.client.query('ROLLBACK').catch(() => (holder.broken = true));
      await session.close();
    }
  }

  private async capture(client: pg.ClientBase, schema: string): Promise<Captured> {
    return (await client.query<Captured>(CAPTURE_SQL, [schema])).rows[0];
  }
}

/** Locks held after the statement that were not held before it, strongest first. */
function newLocks(before: Captured, after: Captured): { relation: string; mode: string }[] {
  const held = new Set(before.locks.map((l) => `${l.oid}/${l.mode}`));
  return after.locks
    .filter((l) => !held.has(`${l.oid}/${l.mode}`))
    .sort((a, b) => LOCK_MODES.indexOf(a.mode) - LOCK_MODES.indexOf(b.mode) || a.relation.localeCompare(b.relation))
    .map((l) => ({ relation: l.relation, mode: sqlMode(l.mode) }));
}

/** Tables that existed before the statement and whose storage it replaced. */
function rewritten(before: Captured, after: Captured): Captured['tables'] {
  const filenodes = new Map(before.tables.map((t) => [t.oid, t.filenode]));
  return after.tables.filter((t) => filenodes.has(t.oid) && filenodes.get(t.oid) !== t.filenode);
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 100) / 100;
