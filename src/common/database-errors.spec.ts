import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';

import { isDatabaseUnavailable } from './database-errors.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });
const queryFailed = (driverError: Error): QueryFailedError =>
  new QueryFailedError('SELECT 1', [], driverError);

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['an unknown host', withCode('getaddrinfo ENOTFOUND db', 'ENOTFOUND')],
    ['pg-pool waiting for a free client', new Error('timeout exceeded when trying to connect')],
    ['a connection attempt that timed out', new Error('Connection terminated due to connection timeout')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a client-side read timeout', new Error('Query read timeout')],
    ['the server shutting down (57P01)', queryFailed(withCode('terminating connection', '57P01'))],
    ['the server starting up (57P03)', queryFailed(withCode('the database system is starting up', '57P03'))],
    [
      'a statement_timeout (57014)',
      queryFailed(withCode('canceling statement due to statement timeout', '57014')),
    ],
    ['no free connection slot (53300)', withCode('sorry, too many clients already', '53300')],
    ['a connection exception (08006)', withCode('connection failure', '08006')],
    [
      'a terminated backend (pg_terminate_backend, fast shutdown)',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    [
      'a client whose connection already failed',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['a client the pool already closed', new Error('Client was closed and is not queryable')],
  ])('recognises %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', queryFailed(withCode('duplicate key value', '23505'))],
    ['an undefined column', queryFailed(withCode('column "x" does not exist', '42703'))],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['something that is not an error', 'ECONNREFUSED'],
    // Only UnitOfWork knows whether the runner's connection died (it then
    // throws that error instead); on its own this is a use-after-release bug.
    ['a query runner used after release', new QueryRunnerAlreadyReleasedError()],
  ])('does not mistake %s for an outage', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
