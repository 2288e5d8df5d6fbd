import { createUser, reauthenticate, type TestUser, uniqueEmail, whoAmI } from '../../support/factories.js';
import { CookieJar, signInThroughProvider } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider, TEST_APP_URL } from '../../support/oidc-test-app.js';
import type { PasskeyAuthenticator } from '../../support/passkey-authenticator.js';
import {
  accountState,
  addPasskey,
  expectRefusedOn,
  MY_PASSKEYS,
  PASSKEY_RP_ID,
  passkeyOptionsOf,
  signInOptions,
  STEP_UP,
  testAuthenticator,
} from '../../support/passkeys.js';
import { ageAuthentication, securityEventRowsOf, sessionIdOf } from '../../support/session-rows.js';
import type { GraphqlResponse } from '../../support/test-app.js';
import { forwardTo } from '../../support/test-module.js';
import { COMPLETE_SIGN_IN, enableTwoFactor, SIGN_IN_MUTATION } from '../../support/two-factor.js';

const SIGN_OUT_OTHERS = 'mutation { signOutOtherSessions { signedOutCount } }';

type CompleteSignIn = {
  completeSignIn: { token: string; session: { id: string; authenticationFactors: string[] } };
};

interface RequestOptionsJson {
  rpId: string;
  userVerification: string;
  allowCredentials: Array<{ id: string }>;
}

interface PasskeyOwner extends TestUser {
  readonly authenticator: PasskeyAuthenticator;
}

/**
 * A passkey is a second factor too: the first passkey turns two-factor on, a
 * password then asks for it (bound options listing the account's passkeys),
 * and it opens the sudo window instead of the password.
 */
describe('a passkey as the second factor and for step-up', () => {
  let setup: OidcTestSetup | undefined;
  // With an identity provider: its sign-ins must ask for the passkey like a password's.
  const app = forwardTo(() => setup?.app, 'test app');

  beforeAll(async () => {
    setup = await startAppWithProvider({ env: { LOG_LEVEL: 'error' } });
  });

  afterAll(async () => {
    await setup?.app.close();
    await setup?.provider.close();
  });

  async function passkeyOwner(): Promise<PasskeyOwner> {
    const user = await createUser(app);
    const authenticator = testAuthenticator();
    await addPasskey(app, user, authenticator);
    return { ...user, authenticator };
  }

  async function passwordSignIn(user: TestUser): Promise<GraphqlResponse> {
    return app.gql(SIGN_IN_MUTATION, { input: { email: user.email, password: user.password } });
  }

  function complete(challenge: string, responseJson: string): Promise<GraphqlResponse<CompleteSignIn>> {
    return app.gql<CompleteSignIn>(COMPLETE_SIGN_IN, {
      input: { challenge, method: 'PASSKEY', responseJson },
    });
  }

  it('turns two-factor on with the first passkey, though the account has no authenticator app', async () => {
    const owner = await passkeyOwner();

    const me = await app.gql<{ me: { twoFactorEnabled: boolean } }>(MY_PASSKEYS, {}, { token: owner.token });

    expect(me.data!.me.twoFactorEnabled).toBe(true);
    expect(await app.sql('SELECT 1 FROM totp_factors WHERE user_id = $1', [owner.id])).toHaveLength(0);
  });

  it("answers a right password with SECOND_FACTOR_REQUIRED and options for the account's passkeys only", async () => {
    const owner = await passkeyOwner();
    const before = await accountState(app, [owner.id]);

    const pending = await passwordSignIn(owner);

    expect(pending.errors?.[0].extensions?.code).toBe('SECOND_FACTOR_REQUIRED');
    expect(pending.errors![0].extensions!.methods).toContain('PASSKEY');
    const options = JSON.parse(passkeyOptionsOf(pending)) as RequestOptionsJson;
    expect(options).toMatchObject({ rpId: PASSKEY_RP_ID, userVerification: 'required' });
    expect(options.allowCredentials.map(({ id }) => id)).toEqual([owner.authenticator.credentials[0].id]);
    expect(await accountState(app, [owner.id])).toEqual(before);
  });

  it('completes the password sign-in with the passkey: a session of [PASSWORD, PASSKEY]', async () => {
    const owner = await passkeyOwner();
    const pending = await passwordSignIn(owner);

    const completed = await complete(
      pending.errors![0].extensions!.challenge as string,
      owner.authenticator.getAssertion(passkeyOptionsOf(pending)),
    );

    expect(completed.errors).toBeUndefined();
    const { token, session } = completed.data!.completeSignIn;
    expect(session.authenticationFactors).toEqual(['PASSWORD', 'PASSKEY']);
    expect(await whoAmI(app, token)).toEqual({ id: owner.id, activeSessionCount: 2 });
    const signedIn = (await securityEventRowsOf(app, owner.id)).filter(
      (event) => event.type === 'SIGNED_IN' && event.session_id === session.id,
    );
    expect(signedIn).toHaveLength(1);
  });

  it('completes it with an answer to options from startPasskeySignIn as well', async () => {
    const owner = await passkeyOwner();
    const pending = await passwordSignIn(owner);

    const completed = await complete(
      pending.errors![0].extensions!.challenge as string,
      owner.authenticator.getAssertion(await signInOptions(app)),
    );

    expect(completed.data?.completeSignIn.session.authenticationFactors).toEqual(['PASSWORD', 'PASSKEY']);
  });

  it("asks a provider sign-in for the passkey on the app's /two-factor page: [IDENTITY_PROVIDER, PASSKEY]", async () => {
    const owner = await passkeyOwner();
    const person = { subject: `passkey-${Math.random().toString(36).slice(2)}`, email: uniqueEmail() };
    await reauthenticate(app, owner, owner.token);
    const ownersBrowser = new CookieJar();
    ownersBrowser.set(app.url, 'session', owner.token);
    expect(
      (await signInThroughProvider(app, setup!.providerId, person, ownersBrowser, '?link=1')).error,
    ).toBeNull();
    const before = await accountState(app, [owner.id]);

    const browser = new CookieJar();
    const result = await signInThroughProvider(app, setup!.providerId, person, browser);

    expect(result.sessionToken).toBeUndefined();
    const landing = new URL(result.location);
    expect(`${landing.origin}${landing.pathname}`).toBe(`${TEST_APP_URL}/two-factor`);
    expect(await accountState(app, [owner.id])).toEqual(before);
    const completed = await app.gql<CompleteSignIn>(
      COMPLETE_SIGN_IN,
      {
        input: {
          method: 'PASSKEY',
          responseJson: owner.authenticator.getAssertion(await signInOptions(app)),
        },
      },
      { headers: { cookie: `sign_in_challenge=${browser.get(app.url, 'sign_in_challenge')}` } },
    );
    expect(completed.errors).toBeUndefined();
    expect(completed.data!.completeSignIn.session.authenticationFactors).toEqual([
      'IDENTITY_PROVIDER',
      'PASSKEY',
    ]);
  });

  it('offers the passkey beside the authenticator app and recovery codes', async () => {
    const user = await createUser(app);
    const withApp = await enableTwoFactor(app, user);
    await addPasskey(app, withApp, testAuthenticator());

    const pending = await passwordSignIn(withApp);

    expect(pending.errors![0].extensions!.methods).toEqual(
      expect.arrayContaining(['TOTP', 'RECOVERY_CODE', 'PASSKEY']),
    );
  });

  it('counts a refused passkey as a wrong attempt: the fifth ends the challenge, even for the right passkey', async () => {
    const owner = await passkeyOwner();
    const pending = await passwordSignIn(owner);
    const challenge = pending.errors![0].extensions!.challenge as string;
    const options = passkeyOptionsOf(pending);

    for (let attempt = 1; attempt <= 5; attempt++) {
      const refused = await complete(
        challenge,
        owner.authenticator.getAssertion(options, { userVerified: false }),
      );
      expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const right = await complete(challenge, owner.authenticator.getAssertion(options));

    expectRefusedOn(right, 'challenge');
    expect(await whoAmI(app, owner.token)).toMatchObject({ activeSessionCount: 1 });
    const failures = (await securityEventRowsOf(app, owner.id)).filter(
      (event) => event.type === 'SECOND_FACTOR_FAILED',
    );
    expect(failures).toHaveLength(5);
  });

  describe('step-up', () => {
    it('offers the passkey when the sudo window is shut, and opens it with one', async () => {
      const owner = await passkeyOwner();
      await ageAuthentication(app, [sessionIdOf(owner.token)], 3600);
      const asked = await app.gql(SIGN_OUT_OTHERS, {}, { token: owner.token });
      expect(asked.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
      expect(asked.errors![0].extensions!.methods).toEqual(expect.arrayContaining(['PASSWORD', 'PASSKEY']));
      const options = JSON.parse(passkeyOptionsOf(asked)) as RequestOptionsJson;
      expect(options.allowCredentials.map(({ id }) => id)).toEqual([owner.authenticator.credentials[0].id]);

      const stepUp = await app.gql<{
        reauthenticateWithSecondFactor: { session: { sudoExpiresAt: string | null } };
      }>(
        STEP_UP,
        {
          input: {
            method: 'PASSKEY',
            responseJson: owner.authenticator.getAssertion(passkeyOptionsOf(asked)),
          },
        },
        { token: owner.token },
      );

      expect(stepUp.errors).toBeUndefined();
      const sudoExpiresAt = stepUp.data!.reauthenticateWithSecondFactor.session.sudoExpiresAt;
      expect(new Date(sudoExpiresAt!).getTime()).toBeGreaterThan(Date.now());
      const now = await app.gql(SIGN_OUT_OTHERS, {}, { token: owner.token });
      expect(now.errors).toBeUndefined();
    });

    it('does not offer a passkey to an account without one', async () => {
      const user = await createUser(app);
      await ageAuthentication(app, [sessionIdOf(user.token)], 3600);

      const asked = await app.gql(SIGN_OUT_OTHERS, {}, { token: user.token });

      expect(asked.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
      expect(asked.errors![0].extensions!.methods).not.toContain('PASSKEY');
      expect(asked.errors![0].extensions!.passkeyOptions).toBeUndefined();
    });

    it('lets the passkey, in place of the password, start adding another passkey', async () => {
      const owner = await passkeyOwner();
      await ageAuthentication(app, [sessionIdOf(owner.token)], 3600);
      const stepUp = await app.gql(
        STEP_UP,
        {
          input: {
            method: 'PASSKEY',
            responseJson: owner.authenticator.getAssertion(await signInOptions(app)),
          },
        },
        { token: owner.token },
      );
      expect(stepUp.errors).toBeUndefined();

      await addPasskey(app, owner, testAuthenticator(), { reauthenticated: true });

      const me = await app.gql<{ me: { passkeys: unknown[] } }>(MY_PASSKEYS, {}, { token: owner.token });
      expect(me.data!.me.passkeys).toHaveLength(2);
    });
  });
});
