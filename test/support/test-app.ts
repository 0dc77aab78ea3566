import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { configureHttp } from '../../src/http-setup.js';
import { loadConfig } from '../../src/config/app-config.js';

export const TOKENS = {
  reader: 'reader-token-1',
  writer: 'writer-token-2',
  admin: 'admin-token-3',
  trusted: 'trusted-token-4',
};
export const API_TOKENS = `reader:${TOKENS.reader}:read,writer:${TOKENS.writer}:read+write,admin:${TOKENS.admin}:read+admin,engineer:${TOKENS.trusted}:read+write+trusted`;

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** The real AppModule over HTTP, against the run's database and Redis; env overrides per test file. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ ...process.env, APP_ENV: 'test', API_TOKENS, LOG_LEVEL: 'silent', ...env });
  // @bull-board/nestjs is CommonJS that require()s Nest's ES modules, which Jest refuses while
  // they are being linked in the same import ("require() ES Module in a cycle"): so it is loaded
  // on its own first, then the app. (Node itself loads the app in one piece.)
  await import('@bull-board/nestjs');
  const { AppModule } = await import('../../src/app.module.js');
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  configureHttp(app);
  await app.init();
  const server = app.getHttpServer() as Server;
  return { app, http: () => request(server), close: () => app.close() };
}
