import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { AttemptsRepository, type TenantStanding } from '../audit/attempts.repository.js';
import { PG_POOL } from '../database/pg-pool.js';
import { DriftService } from '../drift/drift.service.js';
import { summarizeDifferences } from '../drift/schema-description.js';
import { budgetExceeded } from './rollout-plan.js';
import { budgetOf, countsOf, type RolloutCounts, type RolloutRow, type RolloutStatus, type RolloutTenantStatus, type WaveRow } from './rollout.mapper.js';
import {
  LINK_ATTEMPTS_SQL,
  LOCK_ROLLOUT_SQL,
  NEXT_QUEUED_SQL,
  OBSERVE_ENDED_SQL,
  REQUEUE_TENANTS_SQL,
  ROLLOUT_SQL,
  RUNNING_ATTEMPTS_SQL,
  SET_ROLLOUT_STATUS_SQL,
  SET_WAVE_STATUS_SQL,
  TO_ADVANCE_SQL,
  UPDATE_TENANTS_SQL,
  WAVE_OPEN_SQL,
  WAVE_SUMMARY_SQL,
  WAVES_SQL,
} from './rollouts.sql.js';

/** A new pending attempt the pass recorded: to be enqueued once the pass has committed. */
export interface StartedAttempt {
  migrationId: string;
  tenantSchemaId: string;
  tenantId: string;
  versionApplied: number;
  appliedBy: string | null;
}

export interface PassResult {
  /** Something changed: another pass may find more to do. */
  changed: boolean;
  status: RolloutStatus;
  counts: RolloutCounts;
  /** Nothing will ever change again (completed, or cancelled with nothing running). */
  finished: boolean;
  /** Lines for the rollout job's log: waves, pauses, the end. */
  events: string[];
  started: StartedAttempt[];
}

interface TenantUpdate {
  tenantId: string;
  status: RolloutTenantStatus;
  attemptId: string | null;
  currentVersion: number;
  details: string | null;
}

/**
 * One pass of a rollout, in one transaction under the rollout's row lock (so one controller acts
 * on a rollout at a time, however many processes run): observe the attempts that ended, check
 * the budget, close and open waves, and start tenants up to the free slots. Set-based; it reads
 * only the running tenants and the next queued ones, never the whole fleet.
 */
@Injectable()
export class RolloutProgressService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly attempts: AttemptsRepository,
    private readonly drift: DriftService,
  ) {}

  async pass(rolloutId: string): Promise<PassResult | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await new Pass(client, this.attempts, this.drift, rolloutId).run();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

class Pass {
  private changed = false;
  private readonly events: string[] = [];
  private readonly started: StartedAttempt[] = [];

  constructor(
    private readonly db: pg.PoolClient,
    private readonly attempts: AttemptsRepository,
    private readonly drift: DriftService,
    private readonly rolloutId: string,
  ) {}

  async run(): Promise<PassResult | undefined> {
    let rollout = (await this.db.query<RolloutRow>(LOCK_ROLLOUT_SQL, [this.rolloutId])).rows[0];
    if (!rollout) return undefined;
    if (rollout.status === 'completed' || rollout.finished_at) return this.result(rollout, true);

    const ended = await this.observeEnded(rollout.target_version);
    if (ended > 0) {
      this.changed = true;
      rollout = await this.reload();
    }
    if (rollout.status === 'running') {
      const reason = budgetExceeded(budgetOf(rollout), {
        failed: rollout.failed - rollout.failed_forgiven,
        ended: rollout.success + rollout.failed - rollout.ended_forgiven,
      });
      if (reason) {
        await this.setStatus('paused', reason);
        this.events.push(`paused: ${reason}`);
        rollout = await this.reload();
      }
    }
    const toAdvance = (await this.db.query<{ tenant_id: string }>(TO_ADVANCE_SQL, [this.rolloutId])).rows.map((r) => r.tenant_id);
    if (rollout.status === 'cancelled') return this.endCancelled(toAdvance);
    if (rollout.status !== 'running') return this.result(rollout, false);

    const wave = await this.currentWave();
    const free = rollout.max_parallel - rollout.running;
    const starting = wave && free > 0 ? (await this.db.query<{ tenant_id: string }>(NEXT_QUEUED_SQL, [this.rolloutId, wave.wave_index, free])).rows.map((r) => r.tenant_id) : [];
    if (toAdvance.length + starting.length > 0) {
      await this.step(rollout, toAdvance, starting);
      rollout = await this.reload();
    }
    if (rollout.queued + rollout.running === 0) {
      await this.closeWaves();
      await this.setStatus('completed', null, true);
      this.events.push(`completed: ${describeCounts(countsOf(rollout))}`);
      rollout = await this.reload();
      return this.result(rollout, true);
    }
    return this.result(rollout, false);
  }

  /** Running tenants whose attempt has ended (the audit log says how) move on; returns how many. */
  private async observeEnded(target: number): Promise<number> {
    const waitedOn = (await this.db.query<{ attempt_id: string }>(RUNNING_ATTEMPTS_SQL, [this.rolloutId])).rows.map((r) => r.attempt_id);
    const ended = await this.attempts.endedAmong(this.db, waitedOn);
    if (ended.length === 0) return 0;
    const observed = await this.db.query(OBSERVE_ENDED_SQL, [
      this.rolloutId,
      target,
      ended.map((e) => e.migration_id),
      ended.map((e) => e.status),
      ended.map((e) => e.version_applied),
      ended.map((e) => e.details),
    ]);
    return observed.rowCount ?? 0;
  }

  /** Closes the waves that have ended, in order, and opens the next; returns the wave to start tenants from. */
  private async currentWave(): Promise<WaveRow | undefined> {
    const waves = (await this.db.query<WaveRow>(WAVES_SQL, [this.rolloutId])).rows;
    for (const wave of waves) {
      if (wave.status === 'done') continue;
      if (wave.status === 'pending') {
        await this.db.query(SET_WAVE_STATUS_SQL, [this.rolloutId, wave.wave_index, 'running']);
        this.events.push(`wave ${wave.wave_index} started (${wave.size} tenant(s))`);
        this.changed = true;
        return { ...wave, status: 'running' };
      }
      const { open } = (await this.db.query<{ open: boolean }>(WAVE_OPEN_SQL, [this.rolloutId, wave.wave_index])).rows[0];
      if (open) return wave;
      await this.closeWave(wave);
    }
    return undefined;
  }

  private async closeWave(wave: WaveRow): Promise<void> {
    await this.db.query(SET_WAVE_STATUS_SQL, [this.rolloutId, wave.wave_index, 'done']);
    const summary = (await this.db.query<RolloutCounts>(WAVE_SUMMARY_SQL, [this.rolloutId, wave.wave_index])).rows[0];
    this.events.push(`wave ${wave.wave_index} ended: ${summary.success} success, ${summary.failed} failed, ${summary.skipped} skipped`);
    this.changed = true;
  }

  private async closeWaves(): Promise<void> {
    for (const wave of (await this.db.query<WaveRow>(WAVES_SQL, [this.rolloutId])).rows) {
      if (wave.status !== 'done') await this.closeWave(wave);
    }
  }

  /**
   * Gives each tenant its next step: done (at the target), skipped (a version up to the target
   * has no definition), following a pending attempt of its next version that already exists
   * (never a second attempt of a version), or a new attempt of its next version.
   */
  private async step(rollout: RolloutRow, toAdvance: string[], starting: string[]): Promise<void> {
    const target = rollout.target_version;
    const startingSet = new Set(starting);
    const states = await this.attempts.tenantStanding(this.db, [...toAdvance, ...starting], target);
    const updates: TenantUpdate[] = [];
    const toCreate: TenantStanding[] = [];
    for (const s of states) {
      const update = (status: RolloutTenantStatus, details: string | null, attemptId: string | null = null) =>
        updates.push({ tenantId: s.tenant_id, status, attemptId, currentVersion: s.current_version, details });
      if (s.current_version >= target) {
        if (startingSet.has(s.tenant_id)) update('skipped', `already at version ${s.current_version} (target ${target})`);
        else update('success', null);
      } else if (s.missing_version !== null) {
        update('skipped', `version ${s.missing_version} has no definition (current version ${s.current_version}, target ${target})`);
      } else if (s.pending_id) {
        update('running', null, s.pending_id);
      } else {
        toCreate.push(s);
      }
    }
    if (rollout.on_drift === 'skip') {
      const drifted = await this.driftedAmong(toCreate.filter((s) => startingSet.has(s.tenant_id)).map((s) => s.tenant_id));
      for (const [tenantId, details] of drifted) {
        const s = toCreate.find((c) => c.tenant_id === tenantId)!;
        toCreate.splice(toCreate.indexOf(s), 1);
        updates.push({ tenantId, status: 'skipped', attemptId: null, currentVersion: s.current_version, details });
      }
    }
    if (toCreate.length > 0) {
      const rows = await this.attempts.recordForRollout(
        this.db,
        toCreate.map((s) => ({ tenantId: s.tenant_id, version: s.current_version + 1 })),
        rollout.applied_by,
      );
      const created = new Map(rows.map((r) => [r.tenant_id, r]));
      for (const s of toCreate) {
        const attempt = created.get(s.tenant_id);
        // Lost a race with another pending attempt: the next pass follows that one instead.
        updates.push({ tenantId: s.tenant_id, status: 'running', attemptId: attempt?.migration_id ?? null, currentVersion: s.current_version, details: null });
      }
      this.started.push(
        ...rows.map((r) => ({ migrationId: r.migration_id, tenantSchemaId: r.tenant_schema_id, tenantId: r.tenant_id, versionApplied: r.version_applied, appliedBy: r.applied_by })),
      );
    }
    const linked = updates.filter((u) => u.attemptId !== null && u.status === 'running');
    if (linked.length > 0) await this.db.query(LINK_ATTEMPTS_SQL, [this.rolloutId, linked.map((u) => u.attemptId), linked.map((u) => u.tenantId)]);
    await this.db.query(UPDATE_TENANTS_SQL, [
      this.rolloutId,
      updates.map((u) => u.tenantId),
      updates.map((u) => u.status),
      updates.map((u) => u.attemptId),
      updates.map((u) => u.currentVersion),
      updates.map((u) => u.details),
    ]);
    this.changed = true;
  }

  /** Of tenants about to get their first attempt, those a drift check finds drifted (or cannot check), with why. */
  private async driftedAmong(tenantIds: string[]): Promise<Map<string, string>> {
    const drifted = new Map<string, string>();
    if (tenantIds.length === 0) return drifted;
    for (const d of await this.drift.check(tenantIds)) {
      if (d.status === 'drifted') drifted.set(d.tenant_id, `drifted: ${summarizeDifferences(d.differences)}`);
      // An apply in progress is followed instead; a tenant whose versions cannot be replayed is not what they say either.
      else if (d.skipped === 'expected_unknown') drifted.set(d.tenant_id, d.details ?? 'cannot be checked for drift');
    }
    return drifted;
  }

  /** Cancelled: nothing new starts; tenants between versions go back to queued, and the rollout ends once nothing runs. */
  private async endCancelled(toAdvance: string[]): Promise<PassResult> {
    if (toAdvance.length > 0) {
      await this.db.query(REQUEUE_TENANTS_SQL, [this.rolloutId, toAdvance]);
      this.changed = true;
    }
    let rollout = await this.reload();
    if (rollout.running === 0) {
      await this.setStatus('cancelled', rollout.reason, true);
      this.events.push(`cancelled rollout ended: ${describeCounts(countsOf(rollout))}`);
      rollout = await this.reload();
      return this.result(rollout, true);
    }
    return this.result(rollout, false);
  }

  private async setStatus(status: RolloutStatus, reason: string | null, finished = false): Promise<void> {
    await this.db.query(SET_ROLLOUT_STATUS_SQL, [this.rolloutId, status, reason, finished]);
    this.changed = true;
  }

  private async reload(): Promise<RolloutRow> {
    return (await this.db.query<RolloutRow>(ROLLOUT_SQL, [this.rolloutId])).rows[0];
  }

  private result(rollout: RolloutRow, finished: boolean): PassResult {
    return { changed: this.changed, status: rollout.status, counts: countsOf(rollout), finished, events: this.events, started: this.started };
  }
}

export function describeCounts(c: RolloutCounts): string {
  return `${c.success} success, ${c.failed} failed, ${c.skipped} skipped, ${c.queued} queued, ${c.running} running of ${c.total}`;
}
