import { setTimeout as sleep } from 'node:timers/promises';

import { expect } from '@jest/globals';
import type pg from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

import { isDatabaseUnavailable } from '../../src/common/database-errors.js';
import { ListenedClient } from '../../src/database/pg-client.js';
import { SqlRunner } from '../../src/database/sql-runner.js';
import { sql } from '../../src/database/sql-statement.js';
import { UnitOfWork } from '../../src/database/transaction.js';
import { useTestModule } from '../support/test-module.js';

const BACKEND_PID = sql<{ pid: number }>('test_backend_pid', 'SELECT pg_backend_pid() AS pid');
const ONE = sql<{ one: number }>('test_one', 'SELECT 1 AS one');

/**
 * What the app does with a connection PostgreSQL ends (a restart, a
 * failover, `pg_terminate_backend`), one connection at a time; the whole
 * story under load is test/e2e/operations/database-restart.e2e-spec.ts.
 */
describe('a connection the server ends', () => {
  const module = useTestModule();

  it('fails a transaction between two statements as unavailable, not as "Query runner already released"', async () => {
    const statements = module.get(SqlRunner);
    const failure = await module
      .get(UnitOfWork)
      .run(async (transaction) => {
        const [{ pid }] = await statements.rows(BACKEND_PID, [], transaction);
        await module.sql('SELECT pg_terminate_backend($1)', [pid]);
        // Until node-postgres has read the server's goodbye and TypeORM has released the runner.
        while (!transaction.queryRunner.isReleased) await sleep(10);
        return statements.rows(ONE, [], transaction);
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    expect(failure).toMatchObject({ code: '57P01' });
    expect(isDatabaseUnavailable(failure)).toBe(true);
    // The pool carries on with a fresh connection.
    expect(await statements.rows(ONE, [])).toEqual([{ one: 1 }]);
  });

  it('hands out pool clients that always have an error listener', async () => {
    const pool = (module.dataSource.driver as PostgresDriver).master as pg.Pool;
    const client = await pool.connect();
    try {
      expect(client).toBeInstanceOf(ListenedClient);
      // Checked out, nobody listening but the client itself: an error is not thrown.
      expect(() => client.emit('error', new Error('terminating connection'))).not.toThrow();
    } finally {
      client.release(true);
    }
  });
});
