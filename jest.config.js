import { swcOptions } from './test/support/swc-options.js';

/** Native ESM under Node 24 (`--experimental-vm-modules`); SWC strips types and keeps decorators' metadata. */
const swc = ['@swc/jest', swcOptions];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  setupFilesAfterEnv: ['<rootDir>/test/migrate-once.ts'],
  globalTeardown: '<rootDir>/test/global-teardown.js',
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
