import { createUser, signIn, whoAmI } from '../../support/factories.js';
import { TestApp } from '../../support/test-app.js';

/**
 * Two instances of the service behind a load balancer share nothing but the
 * database: no session state lives in a process, so an ended session is
 * refused by every instance on the very next request.
 */
describe('two instances on one database', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await TestApp.create();
    second = await TestApp.create({}, { shareDatabaseOf: first });
  });

  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('accepts a session signed in on one instance on the other', async () => {
    const alice = await createUser(first);

    expect(await whoAmI(second, alice.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
  });

  it('refuses on one instance, at its very next request, the sessions ended on the other', async () => {
    const alice = await createUser(first);
    const phone = (await signIn(second, alice)).token;
    // Both instances have just served the phone's session.
    expect(await whoAmI(first, phone)).toEqual({ id: alice.id, activeSessionCount: 2 });
    expect(await whoAmI(second, phone)).toEqual({ id: alice.id, activeSessionCount: 2 });

    const ended = await first.gql<{ signOutOtherSessions: { signedOutCount: number } }>(
      'mutation { signOutOtherSessions { signedOutCount } }',
      {},
      { token: alice.token },
    );
    expect(ended.data?.signOutOtherSessions.signedOutCount).toBe(1);

    expect(await whoAmI(second, phone)).toBeNull();
    const fromPhone = await second.gql(
      'mutation { signOutOtherSessions { signedOutCount } }',
      {},
      { token: phone },
    );
    expect(fromPhone.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await whoAmI(second, alice.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
  });

  it('refuses on one instance a session signed out on the other', async () => {
    const alice = await createUser(second);
    expect(await whoAmI(first, alice.token)).not.toBeNull();

    const signedOut = await second.gql('mutation { signOut }', {}, { token: alice.token });
    expect(signedOut.data).toEqual({ signOut: true });

    expect(await whoAmI(first, alice.token)).toBeNull();
  });
});
