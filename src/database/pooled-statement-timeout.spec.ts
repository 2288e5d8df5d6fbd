import { statementTimeoutAdvice } from './pooled-statement-timeout.js';

describe('statementTimeoutAdvice', () => {
  it('says nothing when the server already bounds statements as configured', () => {
    expect(statementTimeoutAdvice(10_000, { role: 'app', setting: '10000' })).toBeUndefined();
  });

  it('names the bound in force and the exact statement that sets the configured one', () => {
    expect(statementTimeoutAdvice(10_000, { role: 'app', setting: '0' })).toMatch(
      /statement_timeout \(none\), not DATABASE_STATEMENT_TIMEOUT_MS \(10000ms\)\. Run ALTER ROLE "app" SET statement_timeout = '10000ms';/,
    );
    expect(statementTimeoutAdvice(300, { role: 'we"ird', setting: '5000' })).toMatch(
      /\(5000ms\), not DATABASE_STATEMENT_TIMEOUT_MS \(300ms\)\. Run ALTER ROLE "we""ird" SET/,
    );
  });
});
