import { findFreePort } from '../../../src/database/free-port.js';
import { uniqueEmail } from '../../support/factories.js';
import { CookieJar, signInThroughProvider } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider, TEST_APP_URL } from '../../support/oidc-test-app.js';
import { TestApp } from '../../support/test-app.js';

const person = () => ({ subject: `sub-${Math.random().toString(36).slice(2)}`, email: uniqueEmail() });

describe('two apps in one process', () => {
  // The trap that set passport aside: its process-wide strategy registry made
  // the second app's strategy the first's. Both use the provider id "corp" here.
  let first: OidcTestSetup;
  let second: OidcTestSetup;

  beforeAll(async () => {
    first = await startAppWithProvider({ providerId: 'corp', name: 'First Corp', clientId: 'first-app' });
    second = await startAppWithProvider({ providerId: 'corp', name: 'Second Corp', clientId: 'second-app' });
  });

  afterAll(async () => {
    await Promise.all([first.app.close(), second.app.close()]);
    await Promise.all([first.provider.close(), second.provider.close()]);
  });

  it('sends each app to its own provider, with its own client', async () => {
    for (const { app, provider } of [first, second]) {
      const response = await fetch(`${app.url}/auth/oidc/corp`, { redirect: 'manual' });
      const authorize = new URL(response.headers.get('location')!);
      expect(authorize.origin).toBe(provider.issuer);
      expect(authorize.searchParams.get('client_id')).toBe(app === first.app ? 'first-app' : 'second-app');
    }
  });

  it('signs each app in against its own provider, into its own database', async () => {
    const alice = person();
    const inFirst = await signInThroughProvider(first.app, 'corp', alice);
    const inSecond = await signInThroughProvider(second.app, 'corp', alice);

    expect(inFirst.sessionToken).toBeDefined();
    expect(inSecond.sessionToken).toBeDefined();
    const query = '{ identityProviders { id name } me { email } }';
    const seenByFirst = await first.app.gql(query, {}, { cookie: inFirst.sessionToken });
    const seenBySecond = await second.app.gql(query, {}, { cookie: inSecond.sessionToken });
    expect(seenByFirst.data).toEqual({
      identityProviders: [{ id: 'corp', name: 'First Corp' }],
      me: { email: alice.email },
    });
    expect(seenBySecond.data).toEqual({
      identityProviders: [{ id: 'corp', name: 'Second Corp' }],
      me: { email: alice.email },
    });
    // A token of one app proves nothing to the other.
    expect((await second.app.gql('{ me { id } }', {}, { cookie: inFirst.sessionToken })).data).toEqual({
      me: null,
    });
  });
});

describe('a provider that cannot be reached', () => {
  let app: TestApp;

  beforeAll(async () => {
    const closedPort = await findFreePort();
    const down = {
      id: 'down',
      name: 'Down',
      issuer: `http://127.0.0.1:${closedPort}`,
      clientId: 'x',
      clientSecret: 'y',
    };
    app = await TestApp.create({
      PUBLIC_API_URL: 'http://127.0.0.1',
      PUBLIC_APP_URL: TEST_APP_URL,
      OIDC_PROVIDERS: JSON.stringify([down]),
      OIDC_DISCOVERY_RETRY_DELAY_MS: '60000',
      LOG_LEVEL: 'error',
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('does not stop the server, and is reported by /health/ready', async () => {
    const response = await fetch(`${app.url}/health/ready`);
    const body = (await response.json()) as { info: Record<string, unknown> };
    expect(response.status).toBe(200);
    expect(body.info.identityProviders).toEqual({ status: 'up', down: 'unreachable' });
  });

  it('answers its button with an error code', async () => {
    const result = await signInThroughProvider(app, 'down', person(), new CookieJar());
    expect(result.error).toBe('provider_unavailable');
  });
});
