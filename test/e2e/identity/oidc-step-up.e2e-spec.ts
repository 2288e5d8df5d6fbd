import { createUser, uniqueEmail } from '../../support/factories.js';
import {
  CookieJar,
  signInAtProvider,
  signInThroughProvider,
  visitCallback,
} from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider } from '../../support/oidc-test-app.js';
import { ageAuthentication, securityEventRowsOf, sessionIdOf } from '../../support/session-rows.js';

const SIGN_OUT_OTHERS = 'mutation { signOutOtherSessions { signedOutCount } }';

let setup: OidcTestSetup;

beforeAll(async () => {
  setup = await startAppWithProvider({ env: { LOG_LEVEL: 'error' } });
});

afterAll(async () => {
  await setup.app.close();
  await setup.provider.close();
});

const person = () => ({ subject: `sub-${Math.random().toString(36).slice(2)}`, email: uniqueEmail() });

function browserOf(token: string): CookieJar {
  const jar = new CookieJar();
  jar.set(setup.app.url, 'session', token);
  return jar;
}

/** A password-less account with two sessions, the second outside its sudo window. */
async function staleProviderAccount(someone = person()) {
  await signInThroughProvider(setup.app, setup.providerId, someone);
  const { sessionToken } = await signInThroughProvider(setup.app, setup.providerId, someone);
  await ageAuthentication(setup.app, [sessionIdOf(sessionToken!)], 601);
  return { someone, token: sessionToken! };
}

describe('step-up for an account without a password', () => {
  it('asks for OIDC, not a password, outside the sudo window', async () => {
    const { token } = await staleProviderAccount();
    const response = await setup.app.gql(SIGN_OUT_OTHERS, {}, { cookie: token });
    expect(response.errors?.[0].extensions).toMatchObject({
      code: 'REAUTHENTICATION_REQUIRED',
      methods: ['OIDC'],
    });
  });

  it('still asks a password account for its password', async () => {
    const owner = await createUser(setup.app);
    await ageAuthentication(setup.app, [sessionIdOf(owner.token)], 601);
    const response = await setup.app.gql(SIGN_OUT_OTHERS, {}, { cookie: owner.token });
    expect(response.errors?.[0].extensions).toMatchObject({ methods: ['PASSWORD'] });
  });

  it('reopens the window after signing in again at the provider (prompt=login, max_age=0)', async () => {
    const { someone, token } = await staleProviderAccount();
    const authorize = await fetch(`${setup.app.url}/auth/oidc/${setup.providerId}?reauthenticate=1`, {
      headers: { cookie: `session=${token}` },
      redirect: 'manual',
    });
    const asked = new URL(authorize.headers.get('location')!).searchParams;
    expect([asked.get('prompt'), asked.get('max_age')]).toEqual(['login', '0']);

    const result = await signInThroughProvider(
      setup.app,
      setup.providerId,
      someone,
      browserOf(token),
      '?reauthenticate=1',
    );

    expect(result.error).toBeNull();
    expect(new URL(result.location).searchParams.get('oidc_reauthenticated')).toBe(setup.providerId);
    expect(result.sessionToken).toBeUndefined(); // the same session, not a new one
    const response = await setup.app.gql<{ signOutOtherSessions: { signedOutCount: number } }>(
      SIGN_OUT_OTHERS,
      {},
      { cookie: token },
    );
    expect(response.data?.signOutOtherSessions.signedOutCount).toBe(1);
  });

  it('refuses a step-up by someone else at the provider, and keeps the window closed', async () => {
    const { token } = await staleProviderAccount();
    const result = await signInThroughProvider(
      setup.app,
      setup.providerId,
      person(),
      browserOf(token),
      '?reauthenticate=1',
    );

    expect(result.error).toBe('identity_mismatch');
    const response = await setup.app.gql(SIGN_OUT_OTHERS, {}, { cookie: token });
    expect(response.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
  });

  it('refuses a step-up whose ID token says the person signed in long ago (auth_time)', async () => {
    const { someone, token } = await staleProviderAccount();
    const jar = browserOf(token);
    const reached = await signInAtProvider(setup.app, setup.providerId, someone, jar, '?reauthenticate=1');
    setup.provider.tamperIdToken = (claims) => ({
      ...claims,
      auth_time: Math.floor(Date.now() / 1000) - 3600,
    });
    try {
      const { location } = await visitCallback(jar, (reached as { callbackUrl: string }).callbackUrl);
      expect(new URL(location).searchParams.get('oidc_error')).toBe('sign_in_failed');
    } finally {
      setup.provider.tamperIdToken = null;
    }
    const response = await setup.app.gql(SIGN_OUT_OTHERS, {}, { cookie: token });
    expect(response.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
  });

  it('logs the step-up', async () => {
    const { someone, token } = await staleProviderAccount();
    await signInThroughProvider(setup.app, setup.providerId, someone, browserOf(token), '?reauthenticate=1');
    const me = await setup.app.gql<{ me: { id: string } }>('{ me { id } }', {}, { cookie: token });
    const events = await securityEventRowsOf(setup.app, me.data!.me.id);
    expect(events.map((event) => event.type)).toContain('REAUTHENTICATED');
  });
});
