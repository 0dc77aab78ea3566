import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createRollout, defineFleet, getRollout, rolloutReaches, rolloutTenants } from './factories/rollout.factory.js';
import { testPool } from './support/db.js';
import { bearer, createTestApp, type TestApp, TOKENS } from './support/test-app.js';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it). Missing, the test fails. */
const CHROMIUM = '/usr/bin/chromium';

const V1 = 'CREATE TABLE slow (id int); CREATE TABLE notes (id int)';
/** Each attempt takes over a second: a rollout of it, one at a time, can be watched, paused and resumed. */
const V2_SLOW = 'INSERT INTO slow SELECT 1 FROM pg_sleep(1.2)';
const V3_FAILING = 'ALTER TABLE missing ADD COLUMN x int';

interface Fleet {
  tenants: number;
  versions: { version: number; tenants: number }[];
}

describe('the fleet page (docs/contract.md §12) in a browser', () => {
  const db = testPool();
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const fleet: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium`);
    t = await createTestApp({ WORKER_CONCURRENCY: '4', RECONCILE_EVERY_MS: '1000' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer() as { address(): AddressInfo }).address().port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    fleet.push(...(await defineFleet(db, 8, [V1, V2_SLOW, V3_FAILING])));
    const v1 = await createRollout(t, { target_version: 1, tenant_ids: fleet, max_parallel: 8 });
    await rolloutReaches(t, v1.rollout_id, 'completed', (r) => r.status === 'completed');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await db.end();
  });

  /** A page signed in with a token's Basic credentials, that loads nothing from outside the service. */
  const open = async (user: string, token: string): Promise<Page> => {
    const context = await browser.newContext({ httpCredentials: { username: user, password: token }, viewport: { width: 1280, height: 800 } });
    await context.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
    const page = await context.newPage();
    await page.goto(`${base}/admin/fleet`);
    return page;
  };
  const rollout = (page: Page, id: string) => page.locator(`article[data-rollout="${id}"]`);

  it('answers 401 without credentials, and shows the tenants per version that GET /v1/fleet returns', async () => {
    const anonymous = await fetch(`${base}/admin/fleet`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="bss-fleet"/);

    const api = (await t.http().get('/v1/fleet').set(bearer(TOKENS.reader)).expect(200)).body as Fleet;
    const page = await open('reader', TOKENS.reader);
    const rows = page.locator('table.versions tbody tr');
    const shown: number[][] = [];
    for (let i = 0; i < (await rows.count()); i++) shown.push((await rows.nth(i).locator('td').allTextContents()).map(Number));
    expect(shown).toEqual(api.versions.map((v) => [v.version, v.tenants]));
    expect(await page.locator('[data-count="tenants"]').textContent()).toBe(String(api.tenants));
    await page.getByRole('link', { name: 'Queues (Bull Board)' }).waitFor();
    await page.context().close();
  });

  it('follows a slow rollout without a reload, and pauses and resumes it from its buttons until it completes', async () => {
    const r = await createRollout(t, { target_version: 2, tenant_ids: fleet, max_parallel: 1 });
    const page = await open('writer', TOKENS.writer);
    // A mark on this document: a reload would lose it.
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));
    const sameDocument = () => page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument === true);
    const counts = rollout(page, r.rollout_id).locator('.counts');
    const first = await counts.textContent();
    await rollout(page, r.rollout_id).locator('.counts').filter({ hasNotText: first! }).waitFor({ timeout: 20_000 });
    expect(await sameDocument()).toBe(true);

    await rollout(page, r.rollout_id).getByRole('button', { name: 'Pause the rollout to version 2' }).click();
    await page.locator(`article[data-rollout="${r.rollout_id}"][data-status="paused"]`).waitFor({ timeout: 10_000 });
    expect((await getRollout(t, r.rollout_id)).status).toBe('paused');
    await page.getByRole('status').filter({ hasText: 'Pause: the rollout is paused.' }).waitFor();

    await rollout(page, r.rollout_id).getByRole('button', { name: 'Resume the rollout to version 2' }).click();
    await page.locator(`article[data-rollout="${r.rollout_id}"][data-status="completed"]`).waitFor({ timeout: 45_000 });
    expect((await getRollout(t, r.rollout_id)).status).toBe('completed');
    expect(await rollout(page, r.rollout_id).locator('.counts').textContent()).toBe(`${fleet.length} success, 0 failed, 0 skipped, 0 running, 0 queued of ${fleet.length}`);
    expect(await sameDocument()).toBe(true);
    await page.context().close();
  }, 90_000);

  it('lists failed tenants with their details, waves as bars with their counts, shows the 409 of an action the status forbids, and makes docs/fleet.png', async () => {
    const r = await createRollout(t, { target_version: 3, tenant_ids: fleet, max_parallel: 4, failure_budget: { max_failed_percent: 100 }, waves: [2, '100%'] });
    await rolloutReaches(t, r.rollout_id, 'finished', (x) => x.finished_at !== null);
    const failed = await rolloutTenants(t, r.rollout_id, 'failed');
    expect(failed).toHaveLength(fleet.length);
    // Two more tenants on their way to version 2, paused at once: it waits for an operator while the page looks.
    const late = await defineFleet(db, 2, [V1, V2_SLOW]);
    const v1 = await createRollout(t, { target_version: 1, tenant_ids: late });
    await rolloutReaches(t, v1.rollout_id, 'completed', (x) => x.status === 'completed');
    const running = await createRollout(t, { target_version: 2, tenant_ids: late, max_parallel: 1, waves: [1, 1] });
    await t.http().post(`/v1/rollouts/${running.rollout_id}/pause`).set(bearer(TOKENS.writer)).expect(200);

    const page = await open('writer', TOKENS.writer);
    const article = rollout(page, r.rollout_id);
    await article.getByText(`${fleet.length} failed tenants`).click();
    for (const tenant of failed) await article.getByText(`${tenant.tenant_id}: ${tenant.details!}`).waitFor();
    await article.getByText('Wave 0 (done, 2 tenants)').waitFor();
    await article.getByRole('img', { name: 'wave 1: 0 success, 6 failed, 0 skipped, 0 running, 0 queued' }).waitFor();
    await rollout(page, running.rollout_id).getByRole('button', { name: 'Cancel the rollout to version 2' }).waitFor();
    await mkdir('docs', { recursive: true });
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: 'docs/fleet.png' });

    // Cancelled elsewhere while this page still shows its Cancel button: the page shows the API's 409.
    await page.route(`${base}/admin/fleet/sections/rollouts`, (route) => route.abort());
    await t.http().post(`/v1/rollouts/${running.rollout_id}/cancel`).set(bearer(TOKENS.writer)).expect(200);
    await rollout(page, running.rollout_id).getByRole('button', { name: 'Cancel the rollout to version 2' }).click();
    await page.getByRole('status').filter({ hasText: /^Cancel refused \(409\): / }).waitFor({ timeout: 10_000 });
    await page.context().close();
  }, 90_000);

  it('gives a read token no buttons, and refuses a forged action: 403 for read, 403 without the page header', async () => {
    const page = await open('reader', TOKENS.reader);
    await page.locator('article.rollout').first().waitFor();
    expect(await page.locator('button[data-action]').count()).toBe(0);
    const any = (await page.locator('article.rollout').first().getAttribute('data-rollout'))!;
    const basic = (user: string, token: string) => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
    const forged = await fetch(`${base}/admin/fleet/rollouts/${any}/pause`, { method: 'POST', headers: { authorization: basic('reader', TOKENS.reader), 'x-fleet-page': '1' } });
    expect(forged.status).toBe(403);
    const crossSite = await fetch(`${base}/admin/fleet/rollouts/${any}/pause`, { method: 'POST', headers: { authorization: basic('writer', TOKENS.writer) } });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { message: string }).message).toBe('an action needs the x-fleet-page header the fleet page sends');
    await page.context().close();
  });

  it('is linked from the board', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: TOKENS.admin } });
    await context.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
    const page = await context.newPage();
    await page.goto(`${base}/admin/queues`);
    // The board's header keeps its extra links in a menu: the last of its buttons opens it.
    await page.locator('header ul[class*="actions"] > li').last().getByRole('button').click();
    const link = page.locator('a[href="/admin/fleet"]');
    await link.waitFor({ timeout: 10_000 });
    expect(await link.textContent()).toContain('Fleet page');
    await context.close();
  });
});
