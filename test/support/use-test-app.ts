import type pg from 'pg';
import { testPool } from './db.js';
import { createTestApp, type TestApp } from './test-app.js';

/** The usual suite: the real app (created before, closed after) and a pool on the run's database. */
export function useTestApp(env: Record<string, string> = {}): { db: pg.Pool; t: TestApp } {
  const suite = { db: testPool(), t: undefined as unknown as TestApp };
  beforeAll(async () => {
    suite.t = await createTestApp(env);
  });
  afterAll(async () => {
    await suite.t?.close();
    await suite.db.end();
  });
  return suite;
}
