import type { AddressInfo } from 'node:net';

import pg from 'pg';

import { loadConfig } from '../../../src/config/app-config.js';
import { type RunningServer, startServer } from '../../../src/server.js';
import { uniqueEmail } from '../../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

interface SessionsData {
  me: { sessions: Array<{ ipAddress: string | null }> };
}

/**
 * The server as `npm start` runs it: listening on `::` (Node's default when no
 * host is given), where a client that connects over IPv4 arrives as the
 * IPv4-mapped IPv6 address `::ffff:127.0.0.1`. (The shared test app listens on
 * 127.0.0.1 and so never sees that form.)
 */
describe('a client connecting over IPv4 to a dual-stack server', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let ipv4Url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startServer(
      loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: database.url }),
    );
    const { port } = server.app.getHttpServer().address() as AddressInfo;
    ipv4Url = `http://127.0.0.1:${port}/graphql`;
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  async function gql<T>(query: string, variables: object, token?: string): Promise<T> {
    const response = await fetch(ipv4Url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  it('stores and shows its sessions with the IPv4 address 127.0.0.1, not ::ffff:127.0.0.1', async () => {
    const input = { email: uniqueEmail(), password: 'correct horse battery staple' };
    const { signUp } = await gql<{ signUp: { user: { id: string } } }>(
      'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { user { id } } }',
      { input },
    );
    const { signIn } = await gql<{ signIn: { token: string } }>(
      'mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }',
      { input },
    );

    const { me } = await gql<SessionsData>('{ me { sessions { ipAddress } } }', {}, signIn.token);

    expect(me.sessions).toEqual([{ ipAddress: '127.0.0.1' }, { ipAddress: '127.0.0.1' }]);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ ip_address: string }>(
        'SELECT ip_address FROM sessions WHERE user_id = $1',
        [signUp.user.id],
      );
      expect(rows).toEqual([{ ip_address: '127.0.0.1' }, { ip_address: '127.0.0.1' }]);
    } finally {
      await client.end();
    }
  });
});
