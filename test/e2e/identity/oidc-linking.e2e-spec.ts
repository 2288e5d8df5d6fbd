import { createUser, reauthenticate, type TestUser, uniqueEmail } from '../../support/factories.js';
import { CookieJar, signInThroughProvider } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider, TEST_APP_URL } from '../../support/oidc-test-app.js';
import { ageAuthentication, securityEventRowsOf, sessionIdOf } from '../../support/session-rows.js';

const IDENTITIES = '{ me { id hasPassword identities { id provider { id } } } }';
const UNLINK = 'mutation($id: ID!) { unlinkIdentity(id: $id) { id identities { id } } }';

interface IdentitiesData {
  me: {
    id: string;
    hasPassword: boolean;
    identities: Array<{ id: string; provider: { id: string } }>;
  } | null;
}

let setup: OidcTestSetup;

beforeAll(async () => {
  setup = await startAppWithProvider({ env: { LOG_LEVEL: 'error' } });
});

afterAll(async () => {
  await setup.app.close();
  await setup.provider.close();
});

const person = () => ({ subject: `sub-${Math.random().toString(36).slice(2)}`, email: uniqueEmail() });

/** A signed-up owner whose session just confirmed the password: the proof that linking needs. */
async function ownerWithProof(): Promise<TestUser> {
  const owner = await createUser(setup.app);
  await reauthenticate(setup.app, owner, owner.token);
  return owner;
}

/** A browser signed in with this token (the session cookie the app set). */
function browserOf(token: string): CookieJar {
  const jar = new CookieJar();
  jar.set(setup.app.url, 'session', token);
  return jar;
}

async function identitiesOf(token: string): Promise<IdentitiesData['me']> {
  return (await setup.app.gql<IdentitiesData>(IDENTITIES, {}, { cookie: token })).data!.me;
}

describe('linking a provider to a signed-in account', () => {
  it('links after a fresh proof of identity; the provider then signs into that account', async () => {
    const owner = await ownerWithProof();
    const someone = person();
    const linked = await signInThroughProvider(
      setup.app,
      setup.providerId,
      someone,
      browserOf(owner.token),
      '?link=1',
    );

    expect(linked.error).toBeNull();
    expect(new URL(linked.location).searchParams.get('oidc_linked')).toBe(setup.providerId);
    expect((await identitiesOf(owner.token))!.identities).toHaveLength(1);
    const events = await securityEventRowsOf(setup.app, owner.id);
    expect(events.map((event) => event.type)).toContain('IDENTITY_LINKED');

    const signedIn = await signInThroughProvider(setup.app, setup.providerId, someone);
    expect((await identitiesOf(signedIn.sessionToken!))!.id).toBe(owner.id);
  });

  it('refuses once the proof is older than CREDENTIAL_CHANGE_MAX_AGE_SECONDS, and links nothing', async () => {
    const owner = await ownerWithProof();
    await ageAuthentication(setup.app, [sessionIdOf(owner.token)], 301);
    const result = await signInThroughProvider(
      setup.app,
      setup.providerId,
      person(),
      browserOf(owner.token),
      '?link=1',
    );

    expect(result.error).toBe('reauthentication_required');
    expect((await identitiesOf(owner.token))!.identities).toEqual([]);
  });

  it('refuses without a signed-in session', async () => {
    const result = await signInThroughProvider(
      setup.app,
      setup.providerId,
      person(),
      new CookieJar(),
      '?link=1',
    );
    expect(result.error).toBe('not_signed_in');
  });

  it('refuses an identity that already belongs to another account', async () => {
    const someone = person();
    await signInThroughProvider(setup.app, setup.providerId, someone);
    const owner = await ownerWithProof();
    const result = await signInThroughProvider(
      setup.app,
      setup.providerId,
      someone,
      browserOf(owner.token),
      '?link=1',
    );

    expect(result.error).toBe('identity_in_use');
    expect((await identitiesOf(owner.token))!.identities).toEqual([]);
  });
});

describe('unlinkIdentity', () => {
  it("refuses to remove a password-less account's only way to sign in", async () => {
    const { sessionToken } = await signInThroughProvider(setup.app, setup.providerId, person());
    const [identity] = (await identitiesOf(sessionToken!))!.identities;

    const response = await setup.app.gql(UNLINK, { id: identity.id }, { cookie: sessionToken });

    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await identitiesOf(sessionToken!))!.identities).toHaveLength(1);
  });

  it('removes a linked provider of an account with a password, and logs it', async () => {
    const owner = await ownerWithProof();
    await signInThroughProvider(setup.app, setup.providerId, person(), browserOf(owner.token), '?link=1');
    const [identity] = (await identitiesOf(owner.token))!.identities;

    const response = await setup.app.gql<{ unlinkIdentity: { identities: unknown[] } }>(
      UNLINK,
      { id: identity.id },
      { cookie: owner.token },
    );

    expect(response.data?.unlinkIdentity.identities).toEqual([]);
    const events = await securityEventRowsOf(setup.app, owner.id);
    expect(events.map((event) => event.type)).toContain('IDENTITY_UNLINKED');
  });

  it('needs the sudo window', async () => {
    const owner = await ownerWithProof();
    await signInThroughProvider(setup.app, setup.providerId, person(), browserOf(owner.token), '?link=1');
    const [identity] = (await identitiesOf(owner.token))!.identities;
    await ageAuthentication(setup.app, [sessionIdOf(owner.token)], 601);

    const response = await setup.app.gql(UNLINK, { id: identity.id }, { cookie: owner.token });

    expect(response.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
    expect((await identitiesOf(owner.token))!.identities).toHaveLength(1);
  });

  it("answers another account's identity as not found, and leaves it", async () => {
    const { sessionToken } = await signInThroughProvider(setup.app, setup.providerId, person());
    const [theirs] = (await identitiesOf(sessionToken!))!.identities;
    const intruder = await createUser(setup.app);

    const response = await setup.app.gql(UNLINK, { id: theirs.id }, { cookie: intruder.token });

    expect(response.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await identitiesOf(sessionToken!))!.identities).toHaveLength(1);
  });
});

it('lands on the app after linking', async () => {
  const owner = await ownerWithProof();
  const result = await signInThroughProvider(
    setup.app,
    setup.providerId,
    person(),
    browserOf(owner.token),
    '?link=1',
  );
  // A refusal also lands on the app (`/?oidc_error=…`): the page must be told it linked.
  const landed = new URL(result.location);
  expect(landed.origin).toBe(new URL(TEST_APP_URL).origin);
  expect(landed.searchParams.get('oidc_error')).toBeNull();
  expect(landed.searchParams.get('oidc_linked')).toBe(setup.providerId);
  expect((await identitiesOf(owner.token))!.identities).toHaveLength(1);
});
