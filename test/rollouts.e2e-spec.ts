import { randomUUID } from 'node:crypto';
import { tenantSchema } from './factories/api.factory.js';
import { createRollout, defineFleet, defineFor, getRollout, rolloutReaches, rolloutTenants } from './factories/rollout.factory.js';
import { bearer, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

const V1 = 'CREATE TABLE orders (id bigint PRIMARY KEY); CREATE TABLE lines (order_id bigint); INSERT INTO orders VALUES (1)';
const V2 = 'CREATE TABLE extra (id bigint); ALTER TABLE orders ADD COLUMN note text';
const V3 = 'CREATE INDEX orders_note_idx ON orders (note)';

/** Contract §7 against the real service: waves, budget, parallelism, catch-up, cancel, counts. */
/** A page of GET /v1/rollouts, as far as these tests read it. */
interface RolloutPage {
  items: { rollout_id: string; status: string }[];
  next_cursor: string | null;
}

describe('rollouts', () => {
  const suite = useTestApp({ WORKER_CONCURRENCY: '6', RECONCILE_EVERY_MS: '1000' });
  const { db } = suite;
  const http = () => suite.t.http();
  const done = (r: { status: string; finished_at: string | null }) => r.finished_at !== null;

  /** Every attempt of the rollout: tenant, version, status, and when it was recorded and ended. */
  const attemptsOf = async (rolloutId: string) =>
    (
      await db.query<{ tenant_id: string; version_applied: number; status: string; created_at: Date; updated_at: Date; wave_index: number }>(
        `SELECT m.tenant_id, m.version_applied, m.status, m.created_at, m.updated_at, rt.wave_index
         FROM business_store_service.rollout_attempts ra
         JOIN business_store_service.schema_migrations m ON m.migration_id = ra.migration_id
         JOIN business_store_service.rollout_tenants rt ON rt.rollout_id = ra.rollout_id AND rt.tenant_id = ra.tenant_id
         WHERE ra.rollout_id = $1 ORDER BY m.created_at`,
        [rolloutId],
      )
    ).rows;

  /** Brings tenants to version 1 through a rollout (itself a test of the simplest case). */
  const atVersion1 = async (tenantIds: string[]) => {
    const r = await createRollout(suite.t, { target_version: 1, tenant_ids: tenantIds, max_parallel: 16 });
    const end = await rolloutReaches(suite.t, r.rollout_id, 'completed', done);
    expect(end).toMatchObject({ status: 'completed', counts: { total: tenantIds.length, success: tenantIds.length, queued: 0, running: 0, failed: 0, skipped: 0 } });
  };

  it('answers 400 naming the field for bad input, and 404 for an unknown rollout', async () => {
    const bad: [object, string][] = [
      [{}, 'target_version must be an integer'],
      [{ target_version: 1, tenant_ids: [] }, 'tenant_ids must hold at least 1 tenant id'],
      [{ target_version: 1, tenant_ids: ['x'] }, 'tenant_ids[0] must be a UUID'],
      [{ target_version: 1, tenant_ids: ['6f1c4c8e-0000-4000-8000-000000000001', '6F1C4C8E-0000-4000-8000-000000000001'] }, 'tenant_ids[1] repeats tenant_ids[0]'],
      [{ target_version: 1, waves: [0] }, 'waves[0] must be a positive integer or a percentage'],
      [{ target_version: 1, waves: ['150%'] }, 'waves[0] must be a positive integer or a percentage'],
      [{ target_version: 1, max_parallel: 0 }, 'max_parallel must be at least 1'],
      [{ target_version: 1, failure_budget: { max_failed: 1, max_failed_percent: 5 } }, 'failure_budget must have exactly one of max_failed, max_failed_percent'],
      [{ target_version: 1, failure_budget: { max_failed_percent: 101 } }, 'failure_budget.max_failed_percent must be a number from 0 to 100'],
      [{ target_version: 1, surprise: true }, 'surprise is not an allowed field'],
    ];
    for (const [body, message] of bad) {
      const res = await http().post('/v1/rollouts').set(bearer(TOKENS.writer)).send(body);
      expect({ body, status: res.status, message: [(res.body as { message: string | string[] }).message].flat().join('; ') }).toMatchObject({ status: 400, message: expect.stringContaining(message) as string });
    }
    await http().get(`/v1/rollouts/${randomUUID()}`).set(bearer(TOKENS.reader)).expect(404);
    await http().post(`/v1/rollouts/${randomUUID()}/pause`).set(bearer(TOKENS.writer)).expect(404);
    await http().post('/v1/rollouts').set(bearer(TOKENS.reader)).send({ target_version: 1 }).expect(403);
  });

  it('starts no attempt of wave k+1 before wave k has ended, and keeps max_parallel', async () => {
    const tenants = await defineFleet(db, 24, ['CREATE TABLE slow (id int); INSERT INTO slow SELECT 1 FROM pg_sleep(0.05)']);
    const r = await createRollout(suite.t, { target_version: 1, tenant_ids: tenants, waves: [2, '25%'], max_parallel: 3 });
    expect(r.waves).toEqual([
      { index: 0, size: 2, status: expect.any(String) as string },
      { index: 1, size: 6, status: expect.any(String) as string },
      { index: 2, size: 16, status: expect.any(String) as string },
    ]);
    let most = 0;
    await waitFor('the rollout to complete, sampling its pending attempts', async () => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM business_store_service.rollout_attempts ra JOIN business_store_service.schema_migrations m USING (migration_id)
         WHERE ra.rollout_id = $1 AND m.status = 'pending'`,
        [r.rollout_id],
      );
      most = Math.max(most, rows[0].n);
      const now = await getRollout(suite.t, r.rollout_id);
      expect(now.counts.total).toBe(now.counts.queued + now.counts.running + now.counts.success + now.counts.failed + now.counts.skipped);
      return done(now);
    });
    expect(most).toBeLessThanOrEqual(3);
    const attempts = await attemptsOf(r.rollout_id);
    expect(attempts).toHaveLength(24);
    // Sampling can miss a fast rollout: the records' own lifetimes show how many were pending at once.
    const edges = attempts.flatMap((a) => [
      { at: a.created_at.getTime(), step: 1 },
      { at: a.updated_at.getTime(), step: -1 },
    ]);
    edges.sort((x, y) => x.at - y.at || x.step - y.step);
    let open = 0;
    let mostAtOnce = 0;
    for (const { step } of edges) mostAtOnce = Math.max(mostAtOnce, (open += step));
    expect(mostAtOnce).toBeGreaterThanOrEqual(1);
    expect(mostAtOnce).toBeLessThanOrEqual(3);
    for (const wave of [1, 2]) {
      const previousEnded = Math.max(...attempts.filter((a) => a.wave_index === wave - 1).map((a) => a.updated_at.getTime()));
      const nextStarted = Math.min(...attempts.filter((a) => a.wave_index === wave).map((a) => a.created_at.getTime()));
      expect(nextStarted).toBeGreaterThanOrEqual(previousEnded);
    }
    const end = await getRollout(suite.t, r.rollout_id);
    expect(end.waves.map((w) => w.status)).toEqual(['done', 'done', 'done']);
    const list = await rolloutTenants(suite.t, r.rollout_id);
    expect(list.map((t) => t.tenant_id)).toEqual(tenants);
    expect(list.every((t) => t.status === 'success' && t.from_version === 0 && t.current_version === 1 && t.migration_ids.length === 1)).toBe(true);
  });

  it('pauses when the budget is exceeded, starts nothing new, resumes counting only new failures, and retry-failed mends the tenant', async () => {
    const tenants = await defineFleet(db, 8, [V1, V2]);
    await atVersion1(tenants);
    const victim = tenants[2]; // in wave 1
    await db.query(`CREATE TABLE ${tenantSchema(victim)}.extra (id bigint)`); // by hand: v2 will collide with it
    const r = await createRollout(suite.t, { target_version: 2, tenant_ids: tenants, waves: [2, 2], max_parallel: 1 });
    const paused = await rolloutReaches(suite.t, r.rollout_id, 'paused', (x) => x.status === 'paused');
    expect(paused.reason).toBe('failure budget exceeded: 1 tenant(s) failed, at most 0 allowed');
    const settled = await rolloutReaches(suite.t, r.rollout_id, 'without running attempts', (x) => x.counts.running === 0);
    expect(settled.counts).toMatchObject({ failed: 1, queued: 5 });
    // Nothing started after the pause: every attempt was recorded before the rollout paused.
    const pausedAt = new Date((await db.query<{ updated_at: Date }>('SELECT updated_at FROM business_store_service.rollouts WHERE rollout_id = $1', [r.rollout_id])).rows[0].updated_at);
    expect(Math.max(...(await attemptsOf(r.rollout_id)).map((a) => a.created_at.getTime()))).toBeLessThanOrEqual(pausedAt.getTime());
    const [failedTenant] = await rolloutTenants(suite.t, r.rollout_id, 'failed');
    expect(failedTenant).toMatchObject({ tenant_id: victim, current_version: 1 });
    expect(failedTenant.details).toMatch(/^version 2 failed \(migration .+\): Failed at statement 1 of 2 \(SQLSTATE 42P07\): relation "extra" already exists/);

    await http().post(`/v1/rollouts/${r.rollout_id}/pause`).set(bearer(TOKENS.writer)).expect(409);
    const resumed = await http().post(`/v1/rollouts/${r.rollout_id}/resume`).set(bearer(TOKENS.writer)).expect(200);
    expect(resumed.body).toMatchObject({ status: 'running', reason: null });
    const completed = await rolloutReaches(suite.t, r.rollout_id, 'completed', done);
    expect(completed).toMatchObject({ status: 'completed', counts: { success: 7, failed: 1, queued: 0, running: 0 } });

    await db.query(`DROP TABLE ${tenantSchema(victim)}.extra`);
    const retried = await http().post(`/v1/rollouts/${r.rollout_id}/retry-failed`).set(bearer(TOKENS.writer)).expect(200);
    expect(retried.body).toMatchObject({ status: 'running', counts: { failed: 0, queued: 1 } });
    const mended = await rolloutReaches(suite.t, r.rollout_id, 'completed again', (x) => x.status === 'completed' && done(x));
    expect(mended.counts).toMatchObject({ success: 8, failed: 0 });
    const [tenant] = (await rolloutTenants(suite.t, r.rollout_id)).filter((t) => t.tenant_id === victim);
    expect(tenant).toMatchObject({ status: 'success', current_version: 2 });
    expect(tenant.migration_ids).toHaveLength(2); // the failed attempt and the one that succeeded
    await http().post(`/v1/rollouts/${r.rollout_id}/retry-failed`).set(bearer(TOKENS.writer)).expect(409);
  });

  it('computes max_failed_percent on the ended tenants', async () => {
    const tenants = await defineFleet(db, 6, [V1, V2]);
    await atVersion1(tenants);
    await db.query(`CREATE TABLE ${tenantSchema(tenants[1])}.extra (id bigint)`);
    // 1 failed of 2 ended is 50%: above 40%, though only 17% of all six.
    const r = await createRollout(suite.t, { target_version: 2, tenant_ids: tenants, max_parallel: 1, failure_budget: { max_failed_percent: 40 } });
    expect(r.failure_budget).toEqual({ max_failed_percent: 40 });
    const paused = await rolloutReaches(suite.t, r.rollout_id, 'paused', (x) => x.status === 'paused');
    expect(paused.reason).toBe('failure budget exceeded: 1 of 2 ended tenant(s) failed (50%), at most 40% allowed');
    expect(paused.counts).toMatchObject({ success: 1, failed: 1, queued: 4 });
    await http().post(`/v1/rollouts/${r.rollout_id}/cancel`).set(bearer(TOKENS.writer)).expect(200);
  });

  it('brings a tenant up version by version, and skips one lacking a version, naming it', async () => {
    const behind = randomUUID();
    const gap = randomUUID();
    await defineFor(db, [behind, gap], [V1]);
    await defineFor(db, [behind], [V2], 2);
    await defineFor(db, [behind, gap], [V3], 3);
    await atVersion1([behind, gap]);
    const r = await createRollout(suite.t, { target_version: 3, tenant_ids: [behind, gap] });
    const end = await rolloutReaches(suite.t, r.rollout_id, 'completed', done);
    expect(end.counts).toMatchObject({ success: 1, skipped: 1 });
    const [a, b] = await rolloutTenants(suite.t, r.rollout_id);
    expect(a).toMatchObject({ tenant_id: behind, status: 'success', from_version: 1, current_version: 3 });
    const versions = (await attemptsOf(r.rollout_id)).filter((x) => x.tenant_id === behind).map((x) => [x.version_applied, x.status]);
    expect(versions).toEqual([
      [2, 'success'],
      [3, 'success'],
    ]);
    expect(b).toMatchObject({ tenant_id: gap, status: 'skipped', details: 'version 2 has no definition (current version 1, target 3)', migration_ids: [] });
  });

  it('cancel: running attempts finish, nothing new starts, and the rollout ends', async () => {
    const tenants = await defineFleet(db, 10, ['CREATE TABLE slow (id int); INSERT INTO slow SELECT 1 FROM pg_sleep(0.3)']);
    const r = await createRollout(suite.t, { target_version: 1, tenant_ids: tenants, max_parallel: 2 });
    await rolloutReaches(suite.t, r.rollout_id, 'running attempts', (x) => x.counts.running > 0);
    const cancelled = await http().post(`/v1/rollouts/${r.rollout_id}/cancel`).set(bearer(TOKENS.writer)).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', reason: 'cancelled on request' });
    const cancelledAt = Date.now();
    const end = await rolloutReaches(suite.t, r.rollout_id, 'ended', done);
    expect(end.status).toBe('cancelled');
    expect(end.counts.running).toBe(0);
    expect(end.counts.queued).toBeGreaterThan(0);
    const attempts = await attemptsOf(r.rollout_id);
    expect(attempts.every((a) => a.status === 'success')).toBe(true); // the running ones finished
    expect(Math.max(...attempts.map((a) => a.created_at.getTime()))).toBeLessThanOrEqual(cancelledAt);
    await http().post(`/v1/rollouts/${r.rollout_id}/resume`).set(bearer(TOKENS.writer)).expect(409);
  });

  it('keeps the version order when two rollouts touch one tenant (to v2, then to v3)', async () => {
    const tenants = await defineFleet(db, 6, [V1, V2, V3]);
    await atVersion1(tenants);
    const toV2 = await createRollout(suite.t, { target_version: 2, tenant_ids: tenants, max_parallel: 2 });
    const toV3 = await createRollout(suite.t, { target_version: 3, tenant_ids: [...tenants].reverse(), max_parallel: 2 });
    const [a, b] = await Promise.all([rolloutReaches(suite.t, toV2.rollout_id, 'completed', done), rolloutReaches(suite.t, toV3.rollout_id, 'completed', done)]);
    expect(a.counts.success + a.counts.skipped).toBe(6);
    expect(b.counts.success).toBe(6);
    const { rows } = await db.query(
      `SELECT tenant_id, array_agg(version_applied ORDER BY updated_at) AS order_applied, count(*)::int AS attempts
       FROM business_store_service.schema_migrations WHERE tenant_id = ANY($1) AND version_applied > 1 GROUP BY tenant_id`,
      [tenants],
    );
    for (const row of rows) expect(row).toMatchObject({ order_applied: [2, 3], attempts: 2 });
  });

  it('selects every tenant below the target when no list is given, and pages the list of rollouts newest first', async () => {
    const fleet = await defineFleet(db, 3000, ['CREATE TABLE t (id int)']);
    // Other suites' tenants with a version 1 below it are selected too (some of them hostile, made
    // to fail): a budget that never pauses, and assertions about this fleet.
    const r = await createRollout(suite.t, { target_version: 1, max_parallel: 64, failure_budget: { max_failed_percent: 100 } });
    expect(r.counts.total).toBeGreaterThanOrEqual(3000);
    const end = await rolloutReaches(suite.t, r.rollout_id, 'completed', done, 150_000);
    expect(end.status).toBe('completed');
    const listed = await rolloutTenants(suite.t, r.rollout_id);
    expect(listed.length).toBe(end.counts.total);
    const tally = Object.fromEntries(['queued', 'running', 'success', 'failed', 'skipped'].map((s) => [s, listed.filter((t) => t.status === s).length]));
    expect({ total: end.counts.total, ...tally }).toEqual(end.counts);
    expect(listed.map((t) => t.tenant_id)).toEqual([...listed.map((t) => t.tenant_id)].sort());
    const mine = listed.filter((t) => fleet.includes(t.tenant_id));
    expect(mine).toHaveLength(3000);
    expect(mine.every((t) => t.status === 'success' && t.current_version === 1)).toBe(true);
    const latest = await createRollout(suite.t, { target_version: 1, tenant_ids: [fleet[0]] });
    const page = await http().get('/v1/rollouts').query({ limit: '2' }).set(bearer(TOKENS.reader)).expect(200);
    const firstPage = page.body as RolloutPage;
    expect(firstPage.items.map((x: { rollout_id: string }) => x.rollout_id)).toEqual([latest.rollout_id, r.rollout_id]);
    expect(firstPage.next_cursor).toEqual(expect.any(String));
    const next = await http().get('/v1/rollouts').query({ limit: '2', cursor: firstPage.next_cursor as string }).set(bearer(TOKENS.reader)).expect(200);
    expect((next.body as RolloutPage).items.map((x: { rollout_id: string }) => x.rollout_id)).not.toContain(r.rollout_id);
    expect((await rolloutReaches(suite.t, latest.rollout_id, 'completed', done)).counts).toMatchObject({ skipped: 1 });
    const completedOnly = await http().get('/v1/rollouts').query({ status: 'paused' }).set(bearer(TOKENS.reader)).expect(200);
    expect((completedOnly.body as RolloutPage).items.every((x: { status: string }) => x.status === 'paused')).toBe(true);
  }, 180_000);
});
