import { createUser, whoAmI } from '../../support/factories.js';
import { closeAll, startTwoInstances } from '../../support/live-client.js';
import {
  addPasskey,
  expectRefusedOn,
  sendPasskeySignIn,
  signInOptions,
  testAuthenticator,
} from '../../support/passkeys.js';
import type { TestApp } from '../../support/test-app.js';

/**
 * Behind a load balancer the options, the answer and the next sign-in each may
 * reach another instance: challenges and passkeys live in the database, never
 * in a process.
 */
describe('passkeys on two instances of one database', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    ({ a, b } = await startTwoInstances());
  });

  afterAll(async () => {
    await closeAll([], b, a);
  });

  it('registers on one instance and signs in on the other', async () => {
    const user = await createUser(a);
    const authenticator = testAuthenticator();
    await addPasskey(a, user, authenticator);

    const response = await sendPasskeySignIn(b, authenticator.getAssertion(await signInOptions(b)));

    expect(response.errors).toBeUndefined();
    const { token, session } = response.data!.signInWithPasskey;
    expect(session.authenticationFactors).toEqual(['PASSKEY']);
    expect(await whoAmI(a, token)).toEqual({ id: user.id, activeSessionCount: 2 });
  });

  it('accepts on one instance the answer to options the other handed out, once', async () => {
    const user = await createUser(b);
    const authenticator = testAuthenticator();
    await addPasskey(b, user, authenticator);
    const options = await signInOptions(a);

    const accepted = await sendPasskeySignIn(b, authenticator.getAssertion(options));
    const replayed = await sendPasskeySignIn(a, authenticator.getAssertion(options));

    expect(accepted.data?.signInWithPasskey.user.id).toBe(user.id);
    expectRefusedOn(replayed, 'response');
  });
});
