import { expect } from '@jest/globals';

import { uniqueEmail } from '../../support/factories.js';
import { SIGN_UP } from '../../support/hostile-requests.js';
import { rawRequest } from '../../support/raw-http.js';
import { type TestApp, useTestApp } from '../../support/test-app.js';

const PASSWORD = 'correct horse battery staple';

function signUpFrom(app: TestApp, email: string, headers: Record<string, string>) {
  return rawRequest(app.url, {
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: SIGN_UP, variables: { input: { email, password: PASSWORD } } }),
  });
}

async function userExists(app: TestApp, email: string): Promise<boolean> {
  const rows = await app.sql<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]);
  return rows.length > 0;
}

/** A page at http://evil.test:3100 whose name the attacker re-pointed at this server's address. */
const REBOUND = { host: 'evil.test:3100', origin: 'http://evil.test:3100' };

describe('DNS rebinding, on a server outside production (a developer machine)', () => {
  const app = useTestApp();

  it('refuses a request whose Host is not a loopback name, and runs nothing', async () => {
    const email = uniqueEmail();

    const response = await signUpFrom(app, email, REBOUND);

    expect(response.status).toBe(403);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await userExists(app, email)).toBe(false);
  });

  it('refuses such a Host for reads too, which need no cookie to leak what the server says', async () => {
    const response = await rawRequest(app.url, { method: 'GET', path: '/health/ready', headers: REBOUND });

    expect(response.status).toBe(403);
  });

  it.each(['localhost', '127.0.0.1', '[::1]', 'app.localhost'])(
    'serves the loopback name %s, with a page of its own origin',
    async (name) => {
      const port = new URL(app.url).port;
      const email = uniqueEmail();

      const response = await signUpFrom(app, email, {
        host: `${name}:${port}`,
        origin: `http://${name}:${port}`,
      });

      expect(response.status).toBe(200);
      expect(await userExists(app, email)).toBe(true);
    },
  );
});

describe('DNS rebinding, with PUBLIC_API_URL set outside production', () => {
  const app = useTestApp({ PUBLIC_API_URL: 'http://api.dev.test:8080' });

  it("serves PUBLIC_API_URL's host and a page of its origin, and still no other", async () => {
    const email = uniqueEmail();

    const allowed = await signUpFrom(app, email, {
      host: 'api.dev.test:8080',
      origin: 'http://api.dev.test:8080',
    });
    const rebound = await signUpFrom(app, uniqueEmail(), REBOUND);

    expect(allowed.status).toBe(200);
    expect(await userExists(app, email)).toBe(true);
    expect(rebound.status).toBe(403);
  });
});

describe('in production, Origin is compared with PUBLIC_API_URL and CORS_ORIGINS, never with Host', () => {
  const app = useTestApp({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PUBLIC_API_URL: 'https://api.example.com',
    CORS_ORIGINS: 'https://app.example.com',
  });

  it('refuses a mutation from a page whose origin merely matches the Host it sent', async () => {
    const email = uniqueEmail();

    const response = await signUpFrom(app, email, REBOUND);

    expect(response.status).toBe(403);
    expect(await userExists(app, email)).toBe(false);
  });

  it.each(['https://api.example.com', 'https://app.example.com'])(
    'lets a page of %s through, whatever Host the proxy forwarded',
    async (origin) => {
      const email = uniqueEmail();

      const response = await signUpFrom(app, email, { host: 'internal-10-0-0-7:3000', origin });

      expect(response.status).toBe(200);
      expect(await userExists(app, email)).toBe(true);
    },
  );

  it('serves reads under any Host: the proxy in front decides which names reach it', async () => {
    const response = await rawRequest(app.url, { method: 'GET', path: '/health/live', headers: REBOUND });

    expect(response.status).toBe(200);
  });
});
