import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '../../../src/config/app-config.js';
import { type RunningServer, startServer } from '../../../src/server.js';
import { testLogDestination } from '../../support/test-log-sink.js';

const asRoot = process.getuid?.() === 0;

function configWith(dataDir: string) {
  return loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
}

/**
 * Started as root without DATABASE_URL, the embedded PostgreSQL runs as the
 * `postgres` user (PostgreSQL refuses to run as root), which must reach
 * DATA_DIR/postgres. DATA_DIR is often a root-owned 0700 directory: what
 * `mktemp -d` (and Node's mkdtemp) makes, and what many volume mounts look like.
 * Only root starts PostgreSQL as another user, so run as anyone else these
 * tests have nothing to exercise and are skipped; CI runs as root.
 */
(asRoot ? describe : describe.skip)('DATA_DIR as a root-owned 0700 directory, started as root', () => {
  const made: string[] = [];
  let server: RunningServer | undefined;

  async function mktempD(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'data-dir-test-'));
    made.push(dir);
    return dir;
  }

  afterAll(async () => {
    await server?.stop();
    for (const dir of made) await rm(dir, { recursive: true, force: true });
  });

  it('starts the embedded PostgreSQL there, serves GraphQL, and opens DATA_DIR to the postgres group only', async () => {
    const dataDir = await mktempD();
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);

    server = await startServer(configWith(dataDir), { logDestination: testLogDestination() });
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(await response.json()).toEqual({ data: { me: null } });
    await server.stop();
    server = undefined;

    // Search (x) for the postgres group, nothing for anyone else; the cluster itself stays 0700.
    expect((await stat(dataDir)).mode & 0o777).toBe(0o710);
    expect((await stat(join(dataDir, 'postgres'))).mode & 0o777).toBe(0o700);
  });

  it('refuses to start, naming the directory to open, when a directory above DATA_DIR shuts the postgres user out', async () => {
    const closed = await mktempD();

    await expect(
      startServer(configWith(join(closed, 'data')), { logDestination: testLogDestination() }),
    ).rejects.toThrow(`setfacl -m u:postgres:x ${closed}`);
    // Nothing above DATA_DIR is changed behind the operator's back.
    expect((await stat(closed)).mode & 0o777).toBe(0o700);
  });
});
