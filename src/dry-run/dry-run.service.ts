import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { ApplySessions } from '../apply/apply-sessions.js';
import type { TenantRun } from '../apply/apply.types.js';
import { checkBeforeRunning } from '../apply/attempt-checks.js';
import { installExtensions, LockHolder } from '../apply/ddl-session.js';
import { AttemptsRepository } from '../audit/attempts.repository.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from '../database/pg-pool.js';
import { TrustedExtensions } from '../database/trusted-extensions.js';
import type { DefinitionPolicy } from '../ddl/allow-list.js';
import { describeSchemas } from '../drift/expected-descriptions.js';
import { compareDescriptions } from '../drift/schema-description.js';
import { ReplayService } from '../replay/replay.service.js';
import { DEFINITION_SQL, estimateSql, LOCK_TENANT_SQL, SIZE_SQL, TENANT_BUSY_SQL, TENANT_RELATIONS_SQL } from './dry-run.sql.js';
import { runLive } from './live-run.js';
import { type Hold, holdsOf, locksReport } from './lock-report.js';
import { runOnShadow, type RunOutcome } from './shadow-run.js';

export type DryRunMode = 'shadow' | 'live';

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
  mode: DryRunMode;
  would: 'success' | 'failed' | 'unknown';
  details: string;
  statements: PlannedStatement[];
  holds: Hold[];
}

/** The plan, and the real rows of the largest table it rewrites (for a rollout's dry_run_first). */
export interface DryRunResult {
  plan: DryRunPlan;
  largestRewrite?: { table: string; rows: number };
}

interface Definition {
  tenant_id: string;
  version: number;
  ddl: string;
  policy: DefinitionPolicy;
  transactional: boolean;
}

type Stats = Map<string, { rows: number | null; bytes: number | null }>;

/** How long the estimate of a table without statistics waits for its ACCESS SHARE lock. */
const STATS_LOCK_WAIT_MS = 100;

/**
 * What a definition would do to its tenant (docs/contract.md §9), recording nothing.
 * - shadow (the default): on a copy of the tenant's schema without its rows (its applied
 *   versions replayed into a scratch schema, src/replay/), so it never locks the tenant's
 *   relations beyond reading their statistics.
 * - live: on the tenant's real relations and rows, as the apply runs it, under the tenant's lock,
 *   stopped once a write-blocking lock has been held for max_lock_ms.
 * Both report the locks each statement requests as the shadow run finds them (a live run cannot
 * see a lock an earlier statement already holds), and the relations' rows and bytes from statistics.
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
    private readonly replays: ReplayService,
  ) {}

  async dryRun(schemaId: string, options: { mode?: DryRunMode; maxLockMs?: number } = {}): Promise<DryRunResult> {
    const mode = options.mode ?? 'shadow';
    const def = (await this.pool.query<Definition>(DEFINITION_SQL, [schemaId])).rows[0];
    if (!def) throw new NotFoundError('tenant schema', schemaId);
    if (!def.transactional) {
      throw new InvalidInputError(`tenant schema '${schemaId}' is transactional: false: its statements commit one by one, so a dry run cannot roll them back`);
    }
    // live: the tenant's lock, like an attempt's claim; shadow only looks whether an attempt holds it.
    const holder = new LockHolder(await this.pool.connect());
    try {
      const free = mode === 'live' ? (await holder.client.query<{ locked: boolean }>(LOCK_TENANT_SQL, [def.tenant_id])).rows[0].locked : !(await holder.client.query<{ busy: boolean }>(TENANT_BUSY_SQL, [def.tenant_id])).rows[0].busy;
      if (!free) throw new ConflictError(`tenant '${def.tenant_id}' is busy with an attempt; dry-run again once it has ended`);
      if (mode === 'live') holder.locked = def.tenant_id;
      const plan = await this.plan(holder, schemaId, def, mode, options.maxLockMs ?? this.config.dryRun.maxLockMs);
      this.logger.log({ msg: `dry run (${mode}) would ${plan.plan.would}`, schema_id: schemaId, tenant_id: def.tenant_id, version: def.version, details: plan.plan.details });
      return plan;
    } finally {
      await holder.close();
    }
  }

  private async plan(holder: LockHolder, schemaId: string, def: Definition, mode: DryRunMode, maxLockMs: number): Promise<DryRunResult> {
    const answer = (would: DryRunPlan['would'], details: string, statements: PlannedStatement[] = [], holds: Hold[] = []): DryRunPlan => ({
      schema_id: schemaId,
      tenant_id: def.tenant_id,
      version: def.version,
      mode,
      would,
      details,
      statements,
      holds,
    });
    const checked = await this.check(schemaId, def);
    if (checked.kind !== 'run') return { plan: answer('failed', checked.details) };
    const { run } = checked;
    const refused = await installExtensions(holder, run);
    if (refused) return { plan: answer('failed', refused) };

    const shadow = await this.replays.replay(await this.replays.historyOf(def.tenant_id, def.version - 1), async (scratch) => {
      const expected = (await describeSchemas(scratch.client, [scratch.schema])).get(scratch.schema)!;
      const drifted = compareDescriptions(expected, (await describeSchemas(this.pool, [run.schema])).get(run.schema)!).length;
      return { outcome: await runOnShadow(scratch, run, this.config.apply), drifted };
    });
    let outcome: RunOutcome = shadow.outcome;
    const stats = await this.statsOf(run.schema);
    if (mode === 'live') {
      const locks = new Map(shadow.outcome.statements.map((s) => [s.ordinal, s.locks]));
      const live = await runLive(holder, run, this.sessions, this.config.apply, { maxLockMs, existing: new Set(stats.keys()), locksOf: (ordinal) => locks.get(ordinal) });
      if ('refused' in live) return { plan: answer('failed', live.refused) };
      outcome = live;
    }
    const statements = outcome.statements.map((s) => ({ ordinal: s.ordinal, text: s.text, duration_ms: s.duration_ms, locks: locksReport(s.locks), rewrites: s.rewrites }));
    let details = outcome.details;
    if (mode === 'shadow') {
      if (shadow.drifted > 0) details += ` The tenant's schema has drifted from its versions (${shadow.drifted} difference(s), GET /v1/tenants/${def.tenant_id}/drift): this dry run ran on the schema its versions make.`;
      if (outcome.would === 'success' && validatesRows(run)) details += ' A shadow has no rows: what existing rows could make fail (NOT NULL, UNIQUE, CHECK, a foreign key, a cast) only a live dry run finds.';
    }
    return { plan: answer(outcome.would, details, statements, holdsOf(outcome.statements, outcome.endedMs, stats)), largestRewrite: largestRewrite(statements, stats) };
  }

  /** As an apply would: version order and the allow-list. */
  private async check(schemaId: string, def: Definition) {
    const versions = await this.attempts.standing(def.tenant_id, def.version);
    const checked = await checkBeforeRunning(
      { migrationId: '', tenantId: def.tenant_id, tenantSchemaId: schemaId, ...def, currentVersion: versions.current_version, previousPending: versions.previous_pending },
      await this.trustedExtensions.names(),
    );
    if (checked.kind === 'wait') {
      return { kind: 'refused' as const, details: `Version ${def.version} applies only on top of version ${def.version - 1}, which is still pending (current version ${versions.current_version}).` };
    }
    return checked;
  }

  /**
   * The tenant's relations with their rows and bytes from PostgreSQL's statistics; for a table
   * never vacuumed or analyzed, the planner's estimate and its size (an ACCESS SHARE lock, waited
   * for briefly: none is taken when it would have to wait).
   */
  private async statsOf(schema: string): Promise<Stats> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ relation: string; relkind: string; rows: string | null; bytes: string | null }>(TENANT_RELATIONS_SQL, [schema]);
      const stats: Stats = new Map(rows.map((r) => [r.relation, { rows: r.rows === null ? null : Number(r.rows), bytes: r.bytes === null ? null : Number(r.bytes) }]));
      const unknown = rows.filter((r) => r.rows === null && r.relkind === 'r');
      if (unknown.length === 0) return stats;
      await client.query(`BEGIN; SET LOCAL lock_timeout = ${STATS_LOCK_WAIT_MS}`);
      try {
        for (const { relation } of unknown) {
          const qualified = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(relation)}`;
          await client.query('SAVEPOINT estimate');
          try {
            const plan = (await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(estimateSql(qualified))).rows[0]['QUERY PLAN'][0].Plan;
            const { bytes } = (await client.query<{ bytes: string }>(SIZE_SQL, [qualified])).rows[0];
            stats.set(relation, { rows: plan['Plan Rows'], bytes: Number(bytes) });
          } catch {
            await client.query('ROLLBACK TO SAVEPOINT estimate');
          }
        }
      } finally {
        await client.query('ROLLBACK');
      }
      return stats;
    } finally {
      client.release();
    }
  }
}

/** ALTER TABLE subcommands that check or convert every existing row. */
const ROW_CHECKS = new Set(['AT_AlterColumnType', 'AT_SetNotNull', 'AT_ValidateConstraint', 'AT_AddIdentity']);

/** Whether a statement's success can depend on the rows a table holds: a cast, NOT NULL, a constraint validated, a unique index. */
function validatesRows(run: TenantRun): boolean {
  return run.statements.some((s) => {
    if (s.kind === 'IndexStmt') return s.node.unique === true;
    if (s.kind !== 'AlterTableStmt') return false;
    return (s.node.cmds ?? []).some((item) => {
      const cmd = (item as { AlterTableCmd?: { subtype?: string; def?: unknown } }).AlterTableCmd;
      if (!cmd?.subtype) return false;
      if (ROW_CHECKS.has(cmd.subtype)) return true;
      const def = JSON.stringify(cmd.def ?? {});
      if (cmd.subtype === 'AT_AddColumn') return def.includes('CONSTR_NOTNULL') || def.includes('CONSTR_CHECK') || def.includes('CONSTR_PRIMARY') || def.includes('CONSTR_UNIQUE');
      return cmd.subtype === 'AT_AddConstraint' && !def.includes('"skip_validation":true');
    });
  });
}

function largestRewrite(statements: PlannedStatement[], stats: Stats): DryRunResult['largestRewrite'] {
  let largest: DryRunResult['largestRewrite'];
  for (const table of statements.flatMap((s) => s.rewrites)) {
    const rows = stats.get(table)?.rows ?? 0;
    if (!largest || rows > largest.rows) largest = { table, rows };
  }
  return largest;
}
