// `npm run test:browser`: the example client in a real Chromium (playwright-core,
// system browser). Separate from `npm test`, which needs neither examples/web
// nor a browser.
/** @type {import('jest').Config} */
export default {
  testTimeout: 120_000,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser-spec.ts'],
};
