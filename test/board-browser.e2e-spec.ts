import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { type Browser, chromium, type Page } from 'playwright-core';
import { APPLY_JOB, SCHEMA_APPLY_QUEUE } from '../src/schema-apply/schema-apply.queue.js';
import { defineVersions, ended, requestApply } from './factories/api.factory.js';
import { testPool } from './support/db.js';
import { createTestApp, type TestApp, TOKENS } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it). Missing, the test fails. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = 'test-results';

describe('the Bull Board in a browser', () => {
  const db = testPool();
  const queue = new Queue(SCHEMA_APPLY_QUEUE, { connection: { url: process.env.REDIS_URL! }, prefix: process.env.QUEUE_PREFIX! });
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium`);
    t = await createTestApp({ RECONCILE_EVERY_MS: '1000', RETENTION_CRON: '*/2 * * * * *' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer() as { address(): AddressInfo }).address().port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await queue.close();
    await t?.close();
    await db.end();
  });

  /** A page logged in as an admin token (HTTP Basic), that loads nothing from outside the service. */
  const boardPage = async (): Promise<Page> => {
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: TOKENS.admin }, viewport: { width: 1280, height: 760 } });
    await context.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
    return context.newPage();
  };

  it('lists a failed attempt under Failed with its reason, and a success under Completed with its tenant and version', async () => {
    const { tenantId, schemaIds } = await defineVersions(t, ['CREATE TABLE invoices (id uuid PRIMARY KEY)', 'ALTER TABLE customers ADD COLUMN vip boolean']);
    const success = await ended(db, (await requestApply(t, schemaIds[0])).migration_id);
    expect(success.status).toBe('success');
    // The failure comes from a job added with plain BullMQ: labelled once the worker recorded it.
    const plain = await queue.add(APPLY_JOB, { tenant_schema_id: schemaIds[1] });
    await waitFor('the plain job to fail', async () => plain.isFailed());
    const { rows } = await db.query<{ details: string }>('SELECT details FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [schemaIds[1]]);
    const reason = rows[0].details;
    expect(reason).toMatch(/^Failed at statement 1 of 1 \(SQLSTATE 42P01\): relation "customers" does not exist\./);
    const tenant = `tenant ${tenantId.slice(0, 8)}…`;

    const page = await boardPage();
    await page.goto(`${base}/admin/queues`);
    await page.getByRole('link', { name: 'schema-apply', exact: true }).click();
    await page.getByRole('link', { name: /^Failed/i }).click();
    const failedCard = page.locator('div', { hasText: `apply · ${tenant} · v2` }).filter({ hasText: reason }).last();
    await failedCard.waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/board-failed.png` });

    await page.getByRole('link', { name: /^Completed/i }).click();
    await page.getByText(`apply · ${tenant} · v1`, { exact: true }).waitFor();
    await page.getByRole('link', { name: /^Latest/i }).click();
    await page.getByText(`apply · ${tenant} · v2`, { exact: true }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/board.png`, fullPage: true });

    // The reconcile and retention jobs read as what they are (the board adds a `repeat n` badge).
    await page.getByRole('link', { name: 'schema-apply-reconcile', exact: true }).click();
    await page.getByRole('link', { name: /^Completed/i }).click();
    await page.getByText(/^reconcile pending attempts/).first().waitFor();
    await page.getByRole('link', { name: 'retention', exact: true }).click();
    await page.getByRole('link', { name: /^Completed/i }).click();
    await page.getByText(/^retention purge/).first().waitFor({ timeout: 15_000 });
  }, 60_000);
});
