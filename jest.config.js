// Jest runs in native ESM mode (`--experimental-vm-modules`, see package.json):
// NestJS 12 ships only ES modules. ts-jest transpiles without type-checking
// (isolatedModules); `npm run lint` runs the type checker.
export const shared = {
  // Node's, with each test's logs held back and shown only if it fails (TEST_LOGS=1: all of them).
  testEnvironment: '<rootDir>/test/support/quiet-environment.js',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
};

// The integration and e2e tiers share one PostgreSQL for the run: Jest runs a
// global setup once per distinct module, however many projects name it.
export const withDatabase = {
  ...shared,
  // One PostgreSQL for the run, a migrated template database, and one
  // database per test file cloned from it (test/support/test-database.ts).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};

// Not here: the scale tier (jest.scale.config.js, `npm run test:scale`) and the browser
// tier (jest.browser.config.js, `npm run test:browser`), each with its own time budget.
// On a 2-core machine Jest runs every file in its own process, one after the other ("in band"),
// and that process grew past Node's default 4 GB heap over the whole suite (it died there in a
// clean-clone CI run): package.json's test script gives it 12 GB of the machine's 24. The growth
// across files is a leak still to find (each file's app is closed in afterAll).
/** @type {import('jest').Config} */
export default {
  testTimeout: 30_000,
  // A passing file prints nothing (no PASS line); failures, and a file's console output from
  // outside its tests, as Jest's default reporter prints them, then the summary.
  reporters: ['<rootDir>/test/support/quiet-reporter.js', 'summary'],
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    // Services and repositories against the real database, without HTTP.
    {
      ...withDatabase,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.integration-spec.ts'],
    },
    // The whole app over HTTP, grouped by area (auth, sessions, hardening, operations).
    {
      ...withDatabase,
      displayName: 'e2e',
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.e2e-spec.ts'],
    },
  ],
};
