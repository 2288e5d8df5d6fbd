import { createUser, reauthenticate, signIn, type TestUser, whoAmI } from '../../support/factories.js';
import type { CeremonyOverrides, PasskeyAuthenticator } from '../../support/passkey-authenticator.js';
import {
  accountState,
  addPasskey,
  expectRefusedOn,
  expireChallengeOf,
  FINISH_REGISTRATION,
  passkeyOptionsOf,
  type PasskeyView,
  registrationOptions,
  sendPasskeySignIn,
  signInOptions,
  signInWithPasskey,
  STEP_UP,
  testAuthenticator,
} from '../../support/passkeys.js';
import { ageAuthentication, sessionIdOf } from '../../support/session-rows.js';
import { type GraphqlResponse, useTestApp } from '../../support/test-app.js';
import { COMPLETE_SIGN_IN, SIGN_IN_MUTATION } from '../../support/two-factor.js';

const SIGN_OUT_OTHERS = 'mutation { signOutOtherSessions { signedOutCount } }';

interface PasskeyOwner extends TestUser {
  readonly authenticator: PasskeyAuthenticator;
  readonly passkey: PasskeyView;
}

/**
 * Every answer that does not verify is refused the same way (BAD_USER_INPUT on
 * `response`) and changes nothing: no session, no counter, no last use, no
 * sudo window. The challenge survives a refusal, so the honest answer to the
 * same options still works afterwards, which shows the refusal was about the
 * forged field and nothing else.
 */
describe('passkey answers that are refused', () => {
  const app = useTestApp();

  async function passkeyOwner(): Promise<PasskeyOwner> {
    const user = await createUser(app);
    const authenticator = testAuthenticator();
    return { ...user, authenticator, passkey: await addPasskey(app, user, authenticator) };
  }

  /** Sends, expects the refusal on `response`, and the accounts exactly as they were. */
  async function expectRefusedChangingNothing(
    userIds: string[],
    send: () => Promise<GraphqlResponse>,
  ): Promise<void> {
    const before = await accountState(app, userIds);
    const response = await send();
    expectRefusedOn(response, 'response');
    expect(await accountState(app, userIds)).toEqual(before);
  }

  /** The honest answer to the same options signs in: the refused one had not spent them. */
  async function expectStillUsable(owner: PasskeyOwner, optionsJson: string): Promise<void> {
    const honest = await sendPasskeySignIn(app, owner.authenticator.getAssertion(optionsJson));
    expect(honest.errors).toBeUndefined();
    expect(honest.data!.signInWithPasskey.user.id).toBe(owner.id);
  }

  describe('signInWithPasskey', () => {
    const forgeries: Array<[string, CeremonyOverrides]> = [
      ['signed for a page on another origin', { origin: 'https://sessions.example.evil' }],
      ['made in a frame of another site (crossOrigin)', { crossOrigin: true }],
      ['made for another RP ID', { rpId: 'evil.example' }],
      ['without user verification (UV flag clear)', { userVerified: false }],
    ];

    it.each(forgeries)('refuses an answer %s', async (_, overrides) => {
      const owner = await passkeyOwner();
      const options = await signInOptions(app);

      await expectRefusedChangingNothing([owner.id], () =>
        sendPasskeySignIn(app, owner.authenticator.getAssertion(options, overrides)),
      );
      await expectStillUsable(owner, options);
    });

    it('refuses a counter that went backwards, or stayed, as a cloned authenticator sends', async () => {
      const owner = await passkeyOwner();
      // Registration stored 1; this sign-in stores 2.
      expect((await signInWithPasskey(app, owner.authenticator)).errors).toBeUndefined();
      const options = await signInOptions(app);

      for (const counter of [1, 2]) {
        await expectRefusedChangingNothing([owner.id], () =>
          sendPasskeySignIn(app, owner.authenticator.getAssertion(options, { counter })),
        );
      }
      await expectStillUsable(owner, options);
    });

    it('refuses a spent challenge: the same response again, and a new answer to the same options', async () => {
      const owner = await passkeyOwner();
      const options = await signInOptions(app);
      const response = owner.authenticator.getAssertion(options);
      expect((await sendPasskeySignIn(app, response)).errors).toBeUndefined();

      await expectRefusedChangingNothing([owner.id], () => sendPasskeySignIn(app, response));
      await expectRefusedChangingNothing([owner.id], () =>
        sendPasskeySignIn(app, owner.authenticator.getAssertion(options)),
      );
    });

    it('refuses an answer to a challenge that lapsed', async () => {
      const owner = await passkeyOwner();
      const options = await signInOptions(app);
      await expireChallengeOf(app, options);

      await expectRefusedChangingNothing([owner.id], () =>
        sendPasskeySignIn(app, owner.authenticator.getAssertion(options)),
      );
    });

    it('refuses what is not an answer at all, on the response field', async () => {
      const owner = await passkeyOwner();
      const options = await signInOptions(app);
      const honest = JSON.parse(owner.authenticator.getAssertion(options)) as {
        response: Record<string, string>;
      };
      const malformed = [
        'not json',
        '{}',
        '[]',
        'null',
        JSON.stringify({ ...honest, response: { ...honest.response, signature: 'AAAA' } }),
        JSON.stringify({ ...honest, response: { ...honest.response, authenticatorData: '!!' } }),
        JSON.stringify({ ...honest, type: 'password' }),
      ];

      for (const responseJson of malformed) {
        await expectRefusedChangingNothing([owner.id], () => sendPasskeySignIn(app, responseJson));
      }
      await expectStillUsable(owner, options);
    });

    it("refuses an answer to another account's bound challenge", async () => {
      const [alice, bob] = await Promise.all([passkeyOwner(), passkeyOwner()]);
      const pending = await app.gql(SIGN_IN_MUTATION, {
        input: { email: alice.email, password: alice.password },
      });
      const alicesOptions = passkeyOptionsOf(pending);

      await expectRefusedChangingNothing([alice.id, bob.id], () =>
        sendPasskeySignIn(
          app,
          bob.authenticator.getAssertion(alicesOptions, {
            credentialId: bob.authenticator.credentials[0].id,
            ignoreAllowCredentials: true,
          }),
        ),
      );
    });
  });

  describe('completeSignIn with a passkey', () => {
    it("refuses another account's passkey as the second factor; the owner's still completes", async () => {
      const [alice, bob] = await Promise.all([passkeyOwner(), passkeyOwner()]);
      const pending = await app.gql(SIGN_IN_MUTATION, {
        input: { email: alice.email, password: alice.password },
      });
      const challenge = pending.errors![0].extensions!.challenge as string;

      await expectRefusedChangingNothing([alice.id, bob.id], async () =>
        app.gql(COMPLETE_SIGN_IN, {
          input: {
            challenge,
            method: 'PASSKEY',
            responseJson: bob.authenticator.getAssertion(await signInOptions(app)),
          },
        }),
      );
      await expectRefusedChangingNothing([alice.id, bob.id], () =>
        app.gql(COMPLETE_SIGN_IN, {
          input: {
            challenge,
            method: 'PASSKEY',
            responseJson: bob.authenticator.getAssertion(passkeyOptionsOf(pending), {
              credentialId: bob.authenticator.credentials[0].id,
              ignoreAllowCredentials: true,
            }),
          },
        }),
      );

      const completed = await app.gql<{ completeSignIn: { session: { authenticationFactors: string[] } } }>(
        COMPLETE_SIGN_IN,
        {
          input: {
            challenge,
            method: 'PASSKEY',
            responseJson: alice.authenticator.getAssertion(passkeyOptionsOf(pending)),
          },
        },
      );
      expect(completed.errors).toBeUndefined();
      expect(completed.data!.completeSignIn.session.authenticationFactors).toEqual(['PASSWORD', 'PASSKEY']);
    });
  });

  describe('reauthenticateWithSecondFactor with a passkey', () => {
    it("refuses another account's passkey: the sudo window stays shut", async () => {
      const [alice, bob] = await Promise.all([passkeyOwner(), passkeyOwner()]);
      await ageAuthentication(app, [sessionIdOf(alice.token)], 3600);
      const asked = await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });
      expect(asked.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');

      await expectRefusedChangingNothing([alice.id, bob.id], async () =>
        app.gql(
          STEP_UP,
          {
            input: {
              method: 'PASSKEY',
              responseJson: bob.authenticator.getAssertion(await signInOptions(app)),
            },
          },
          { token: alice.token },
        ),
      );
      await expectRefusedChangingNothing([alice.id, bob.id], () =>
        app.gql(
          STEP_UP,
          {
            input: {
              method: 'PASSKEY',
              responseJson: bob.authenticator.getAssertion(passkeyOptionsOf(asked), {
                credentialId: bob.authenticator.credentials[0].id,
                ignoreAllowCredentials: true,
              }),
            },
          },
          { token: alice.token },
        ),
      );
      const stillShut = await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });
      expect(stillShut.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
    });

    it('refuses a step-up without user verification', async () => {
      const alice = await passkeyOwner();
      await ageAuthentication(app, [sessionIdOf(alice.token)], 3600);
      const asked = await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });

      await expectRefusedChangingNothing([alice.id], () =>
        app.gql(
          STEP_UP,
          {
            input: {
              method: 'PASSKEY',
              responseJson: alice.authenticator.getAssertion(passkeyOptionsOf(asked), {
                userVerified: false,
              }),
            },
          },
          { token: alice.token },
        ),
      );
    });
  });

  describe('finishPasskeyRegistration', () => {
    async function finish(user: TestUser, responseJson: string): Promise<GraphqlResponse> {
      return app.gql(FINISH_REGISTRATION, { input: { responseJson, name: 'Forged' } }, { token: user.token });
    }

    it.each<[string, CeremonyOverrides]>([
      ['created on a page on another origin', { origin: 'https://sessions.example.evil' }],
      ['created in a frame of another site (crossOrigin)', { crossOrigin: true }],
      ['created for another RP ID', { rpId: 'evil.example' }],
      ['created without user verification', { userVerified: false }],
    ])('refuses a passkey %s', async (_, overrides) => {
      const user = await createUser(app);
      await reauthenticate(app, user, user.token);
      const options = await registrationOptions(app, user.token);

      await expectRefusedChangingNothing([user.id], () =>
        finish(user, testAuthenticator().createCredential(options, overrides)),
      );
      expect(await whoAmI(app, user.token)).not.toBeNull();
    });

    it('refuses options the server never handed out, and options handed to another account', async () => {
      const [alice, bob] = await Promise.all([createUser(app), createUser(app)]);
      await reauthenticate(app, alice, alice.token);
      await reauthenticate(app, bob, bob.token);
      const alicesOptions = await registrationOptions(app, alice.token);
      const invented = JSON.stringify({
        ...JSON.parse(alicesOptions),
        challenge: Buffer.from('a challenge the server never made').toString('base64url'),
      });

      await expectRefusedChangingNothing([alice.id, bob.id], () =>
        finish(alice, testAuthenticator().createCredential(invented)),
      );
      await expectRefusedChangingNothing([alice.id, bob.id], () =>
        finish(bob, testAuthenticator().createCredential(alicesOptions)),
      );
    });

    it('refuses an answer sent from another session of the same account', async () => {
      const user = await createUser(app);
      const otherDevice = await signIn(app, user);
      await reauthenticate(app, user, user.token);
      await reauthenticate(app, user, otherDevice.token);
      const options = await registrationOptions(app, user.token);

      await expectRefusedChangingNothing([user.id], () =>
        finish({ ...user, token: otherDevice.token }, testAuthenticator().createCredential(options)),
      );
    });

    it('needs the sudo window still open at the finish', async () => {
      const user = await createUser(app);
      await reauthenticate(app, user, user.token);
      const options = await registrationOptions(app, user.token);
      await ageAuthentication(app, [sessionIdOf(user.token)], 3600);
      const before = await accountState(app, [user.id]);

      const response = await finish(user, testAuthenticator().createCredential(options));

      expect(response.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
      expect(await accountState(app, [user.id])).toEqual(before);
    });

    it('refuses a credential already registered, on another account', async () => {
      const alice = await passkeyOwner();
      const bob = await createUser(app);
      await reauthenticate(app, bob, bob.token);
      const bobsOptions = await registrationOptions(app, bob.token);

      const before = await accountState(app, [alice.id, bob.id]);

      const response = await finish(
        bob,
        alice.authenticator.createCredential(bobsOptions, {
          credentialId: alice.authenticator.credentials[0].id,
        }),
      );

      // A well-formed answer that verifies: refused for whose credential it is, on whichever field.
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(await accountState(app, [alice.id, bob.id])).toEqual(before);
    });
  });
});
