import { uniqueEmail } from '../../support/factories.js';
import { browse, CookieJar, signInAtProvider, visitCallback } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider } from '../../support/oidc-test-app.js';
import type { IdTokenTamper } from '../../support/oidc-test-provider.js';

let setup: OidcTestSetup;

beforeAll(async () => {
  // Each refusal is logged as a warning; these tests make them on purpose. A second provider id is
  // configured (same provider, its own callback) so that a callback sent to it is refused by the
  // state check, not as an unknown provider.
  setup = await startAppWithProvider({ otherProviderIds: ['other-id'], env: { LOG_LEVEL: 'error' } });
});

afterAll(async () => {
  await setup.app.close();
  await setup.provider.close();
});

afterEach(() => {
  setup.provider.tamperIdToken = null;
});

const person = () => ({ subject: `sub-${Math.random().toString(36).slice(2)}`, email: uniqueEmail() });

/** Signs in at the provider and returns the callback URL the browser would be sent to. */
async function reachCallback(jar: CookieJar): Promise<string> {
  const reached = await signInAtProvider(setup.app, setup.providerId, person(), jar);
  if (!('callbackUrl' in reached)) throw new Error(`refused before the provider: ${reached.refusedWith}`);
  return reached.callbackUrl;
}

async function accountsAndSessions(): Promise<{ users: number; sessions: number }> {
  const [row] = await setup.app.sql<{ users: number; sessions: number }>(
    'SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM sessions)::int AS sessions',
  );
  return row;
}

/**
 * The outcome of a refused callback: an error code for the app, no session cookie, and no account
 * or session row made. Counted before the callback is sent, so that one made while it runs counts.
 */
async function expectRefused(visit: () => Promise<{ location: string; sessionToken: string | undefined }>) {
  const before = await accountsAndSessions();
  const { location, sessionToken } = await visit();
  expect(new URL(location).searchParams.get('oidc_error')).toBe('sign_in_failed');
  expect(sessionToken).toBeUndefined();
  expect(await accountsAndSessions()).toEqual(before);
}

describe('a callback that does not come from a sign-in this browser started', () => {
  it('is refused when the state was tampered with', async () => {
    const jar = new CookieJar();
    const callback = new URL(await reachCallback(jar));
    callback.searchParams.set('state', 'attacker-chosen-state');
    await expectRefused(() => visitCallback(jar, callback.href));
  });

  it('is refused in a browser that holds no state cookie (login CSRF)', async () => {
    const callback = await reachCallback(new CookieJar());
    await expectRefused(() => visitCallback(new CookieJar(), callback));
  });

  it('is refused with a forged state cookie', async () => {
    const jar = new CookieJar();
    const callback = await reachCallback(jar);
    const stolen = jar.get(setup.app.url, 'oidc_state')!;
    jar.set(setup.app.url, 'oidc_state', `${stolen.slice(0, -4)}AAAA`);
    await expectRefused(() => visitCallback(jar, callback));
  });

  it('is refused by the app, before the provider is asked, when it was meant for another provider', async () => {
    const jar = new CookieJar();
    const [other] = setup.otherProviderIds;
    // Provider A's code and state, with A's state cookie, sent to B's callback: B is configured and ready.
    const callback = (await reachCallback(jar)).replace(`/oidc/${setup.providerId}/`, `/oidc/${other}/`);
    const asked = setup.provider.tokenRequests;
    await expectRefused(() => visitCallback(jar, callback));
    expect(setup.provider.tokenRequests).toBe(asked);
  });

  it('spends the state on the first callback: the same browser replaying it is refused by the app, the provider not asked', async () => {
    const jar = new CookieJar();
    const callback = await reachCallback(jar);
    const first = await visitCallback(jar, callback);
    expect(first.sessionToken).toBeDefined();
    expect(jar.get(setup.app.url, 'oidc_state')).toBeUndefined();

    const asked = setup.provider.tokenRequests;
    await expectRefused(() => visitCallback(jar, callback));
    expect(setup.provider.tokenRequests).toBe(asked);
  });

  it('signs no one in when a copied state cookie replays a spent code: the provider refuses the code', async () => {
    // The app keeps no server-side record of used state (docs/identity-providers.md): a copy of the
    // signed cookie passes its checks, and the exchange of the spent code at the provider is what fails.
    const jar = new CookieJar();
    const callback = await reachCallback(jar);
    const stateCookie = jar.get(setup.app.url, 'oidc_state')!;
    expect((await visitCallback(jar, callback)).sessionToken).toBeDefined();

    const replay = new CookieJar();
    replay.set(setup.app.url, 'oidc_state', stateCookie);
    const asked = setup.provider.tokenRequests;
    await expectRefused(() => visitCallback(replay, callback));
    expect(setup.provider.tokenRequests).toBe(asked + 1);
  });

  it('is refused when the person declined at the provider', async () => {
    const jar = new CookieJar();
    const callback = new URL(await reachCallback(jar));
    const denied = new URL(callback.pathname, callback.origin);
    denied.searchParams.set('error', 'access_denied');
    denied.searchParams.set('state', callback.searchParams.get('state')!);
    const response = await browse(jar, denied.href);
    expect(new URL(response.headers.get('location')!).searchParams.get('oidc_error')).toBe('access_denied');
  });
});

describe('an ID token that does not prove this sign-in', () => {
  const cases: Array<[string, IdTokenTamper]> = [
    ['a nonce other than the one sent', (claims) => ({ ...claims, nonce: 'someone-elses-nonce' })],
    [
      'an expired token',
      (claims) => ({
        ...claims,
        iat: Math.floor(Date.now() / 1000) - 7200,
        exp: Math.floor(Date.now() / 1000) - 3600,
      }),
    ],
    ['a token for another client (audience)', (claims) => ({ ...claims, aud: 'another-client' })],
    ['a token from another issuer', (claims) => ({ ...claims, iss: 'https://issuer.example' })],
  ];

  it.each(cases)('is refused: %s', async (_name, tamper) => {
    const jar = new CookieJar();
    const callback = await reachCallback(jar);
    setup.provider.tamperIdToken = tamper;
    await expectRefused(() => visitCallback(jar, callback));
  });

  it('is accepted when nothing was changed (the tampering hook itself breaks nothing)', async () => {
    const jar = new CookieJar();
    const callback = await reachCallback(jar);
    setup.provider.tamperIdToken = (claims) => ({ ...claims });
    const { sessionToken } = await visitCallback(jar, callback);
    expect(sessionToken).toBeDefined();
  });
});
