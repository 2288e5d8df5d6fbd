// `npm run test:scale`: the plan tests that need a table at production size (a million
// security events). Filling it took 37-42 s of a file on the 2-core machine with one other
// suite beside it (issue 29), 87 s with the machine's load average at 7.5: too long for `npm test`'s 30 s per test when another suite shares the cores,
// so these run apart, one file at a time (--runInBand), with the same global setup (one
// PostgreSQL, one database per file) and a budget that fits the work. CI runs them after
// `npm test` (.ci/run).
import { withDatabase } from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...withDatabase,
  displayName: 'scale',
  // The fill's own statement may take up to 300 s (DATABASE_STATEMENT_TIMEOUT_MS in the spec),
  // the test a minute more: only a stuck run meets either.
  testTimeout: 360_000,
  roots: ['<rootDir>/test/scale'],
  testMatch: ['**/*.scale-spec.ts'],
};
