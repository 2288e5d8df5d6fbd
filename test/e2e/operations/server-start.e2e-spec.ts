import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';

import pg from 'pg';
import { DataSource } from 'typeorm';

import { loadConfig } from '../../../src/config/app-config.js';
import { type RunningServer, startServer } from '../../../src/server.js';
import { testLogDestination } from '../../support/test-log-sink.js';

/**
 * What `npm start` does on a fresh clone: no DATABASE_URL, so an embedded
 * PostgreSQL is created under DATA_DIR, migrated, and stopped with the server.
 */
describe('starting the server without DATABASE_URL', () => {
  const dataDir = resolve('.data', `server-start-test-${process.pid}`);
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates and migrates an embedded PostgreSQL, serves GraphQL, and stops the database with the server', async () => {
    server = await startServer(loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir }), {
      logDestination: testLogDestination(),
    });

    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'mutation { signUp(input: { email: "first@example.com", password: "first password" }) { user { email activeSessionCount } } }',
      }),
    });
    expect(await response.json()).toEqual({
      data: { signUp: { user: { email: 'first@example.com', activeSessionCount: 1 } } },
    });

    const { url } = server.app.get(DataSource).options as { url: string };
    expect(url).toMatch(/^postgres:\/\/.*@localhost:\d+\/app$/);
    await server.stop();
    server = undefined;

    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    await expect(client.connect()).rejects.toThrow();
  });
});
