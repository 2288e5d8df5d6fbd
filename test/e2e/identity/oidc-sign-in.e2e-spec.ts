import { createUser, uniqueEmail } from '../../support/factories.js';
import { CookieJar, signInThroughProvider } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider, TEST_APP_URL } from '../../support/oidc-test-app.js';
import { securityEventRowsOf, sessionIdOf } from '../../support/session-rows.js';

const ME = `{ me { id email hasPassword activeSessionCount
  identities { id email provider { id name } }
  sessions { id current signInMethod identityProvider } } }`;

interface MeData {
  me: {
    id: string;
    email: string;
    hasPassword: boolean;
    activeSessionCount: number;
    identities: Array<{ id: string; email: string | null; provider: { id: string; name: string } }>;
    sessions: Array<{ id: string; current: boolean; signInMethod: string; identityProvider: string | null }>;
  } | null;
}

let setup: OidcTestSetup;

beforeAll(async () => {
  setup = await startAppWithProvider({ name: 'Test ID' });
});

afterAll(async () => {
  await setup.app.close();
  await setup.provider.close();
});

const uniqueSubject = (): string => `sub-${Math.random().toString(36).slice(2)}`;

async function me(token: string): Promise<MeData['me']> {
  return (await setup.app.gql<MeData>(ME, {}, { cookie: token })).data!.me;
}

describe('signing in through an OpenID Connect provider', () => {
  it('creates a password-less account and a managed session on the first sign-in', async () => {
    const email = uniqueEmail();
    const result = await signInThroughProvider(setup.app, setup.providerId, {
      subject: uniqueSubject(),
      email,
    });

    expect(result.error).toBeNull();
    expect(result.location).toBe(`${TEST_APP_URL}/`);
    const user = await me(result.sessionToken!);
    expect(user).toMatchObject({ email, hasPassword: false, activeSessionCount: 1 });
    expect(user!.identities.map(({ email: linked, provider }) => ({ linked, provider }))).toEqual([
      { linked: email, provider: { id: setup.providerId, name: 'Test ID' } },
    ]);
    expect(user!.sessions).toEqual([
      {
        id: sessionIdOf(result.sessionToken!),
        current: true,
        signInMethod: 'OIDC',
        identityProvider: setup.providerId,
      },
    ]);
    const events = await securityEventRowsOf(setup.app, user!.id);
    expect(events.map((event) => event.type)).toEqual(['SIGNED_UP']);
  });

  it('signs the same person into the same account the second time', async () => {
    const person = { subject: uniqueSubject(), email: uniqueEmail() };
    const first = await signInThroughProvider(setup.app, setup.providerId, person);
    const second = await signInThroughProvider(setup.app, setup.providerId, person);

    const user = await me(second.sessionToken!);
    expect(user!.id).toBe((await me(first.sessionToken!))!.id);
    expect(user!.activeSessionCount).toBe(2);
    expect(user!.identities).toHaveLength(1);
  });

  it('refuses a first sign-in whose email already has an account, and links nothing', async () => {
    const owner = await createUser(setup.app);
    const result = await signInThroughProvider(setup.app, setup.providerId, {
      subject: uniqueSubject(),
      email: owner.email.toUpperCase(),
    });

    expect(result.error).toBe('account_exists');
    expect(result.sessionToken).toBeUndefined();
    expect(await setup.app.sql('SELECT 1 FROM user_identities WHERE user_id = $1', [owner.id])).toEqual([]);
    expect((await me(owner.token))!.activeSessionCount).toBe(1);
  });

  it('never lets a password sign in an account that has none', async () => {
    const email = uniqueEmail();
    const provider = await signInThroughProvider(setup.app, setup.providerId, {
      subject: uniqueSubject(),
      email,
    });
    // The account exists (made by the provider sign-in) and has no password: with no account at
    // all, UNAUTHENTICATED below would be the answer anyway.
    expect(provider.error).toBeNull();
    expect(await me(provider.sessionToken!)).toMatchObject({ email, hasPassword: false });
    const response = await setup.app.gql(
      'mutation($input: SignInInput!) { signIn(input: $input) { token } }',
      { input: { email, password: 'any password at all' } },
    );
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('sends the browser back to an allowed returnTo, and never to another site', async () => {
    const allowed = `${TEST_APP_URL}/security?tab=devices`;
    const kept = await signInThroughProvider(
      setup.app,
      setup.providerId,
      { subject: uniqueSubject(), email: uniqueEmail() },
      new CookieJar(),
      `?returnTo=${encodeURIComponent(allowed)}`,
    );
    expect(kept.location).toBe(allowed);

    const elsewhere = await signInThroughProvider(
      setup.app,
      setup.providerId,
      { subject: uniqueSubject(), email: uniqueEmail() },
      new CookieJar(),
      `?returnTo=${encodeURIComponent('https://evil.example/phish')}`,
    );
    expect(elsewhere.location).toBe(`${TEST_APP_URL}/`);
    expect(elsewhere.sessionToken).toBeDefined();
  });

  it('counts provider sessions, and signOutOtherSessions ends them like the others', async () => {
    const person = { subject: uniqueSubject(), email: uniqueEmail() };
    const laptop = await signInThroughProvider(setup.app, setup.providerId, person);
    const phone = await signInThroughProvider(setup.app, setup.providerId, person);

    const response = await setup.app.gql<{ signOutOtherSessions: { signedOutCount: number } }>(
      'mutation { signOutOtherSessions { signedOutCount } }',
      {},
      { cookie: phone.sessionToken },
    );

    expect(response.data?.signOutOtherSessions.signedOutCount).toBe(1);
    expect(await me(laptop.sessionToken!)).toBeNull();
    expect((await me(phone.sessionToken!))!.activeSessionCount).toBe(1);
  });

  it('answers an unknown provider with an error code, not a page', async () => {
    const response = await fetch(`${setup.app.url}/auth/oidc/nobody`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${TEST_APP_URL}/?oidc_error=unknown_provider`);
  });
});
