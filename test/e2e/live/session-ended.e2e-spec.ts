import { createUser, signIn, type TestUser } from '../../support/factories.js';
import {
  closeAll,
  CURRENT_SESSION_ENDED,
  LiveClient,
  type Received,
  startTwoInstances,
  untilSubscribed,
} from '../../support/live-client.js';
import { TestApp } from '../../support/test-app.js';

interface Ended {
  currentSessionEnded: { sessionId: string; reason: string };
}

/**
 * Two instances on one database: a socket opened on B hears of an ending
 * made on A (LISTEN/NOTIFY), gets `currentSessionEnded` with the reason the
 * action stands for, then is closed with 4403.
 */
describe('currentSessionEnded across instances', () => {
  let a: TestApp;
  let b: TestApp;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    ({ a, b } = await startTwoInstances());
  });

  afterAll(() => closeAll(clients, b, a));

  /** A device of `user` signed in on A, with a socket on B subscribed to its ending. */
  async function phoneOf(user: TestUser): Promise<{
    sessionId: string;
    token: string;
    socket: LiveClient;
    ended: Received<Ended>;
  }> {
    const { sessionId, token } = await signIn(a, user);
    const socket = new LiveClient(b, { token });
    clients.push(socket);
    const ended = socket.subscribe<Ended>(CURRENT_SESSION_ENDED);
    await untilSubscribed(b, sessionId);
    return { sessionId, token, socket, ended };
  }

  async function expectEnded(
    phone: Awaited<ReturnType<typeof phoneOf>>,
    reason: string,
    start: number,
    action: string,
  ): Promise<void> {
    expect(await phone.ended.atLeast(1)).toEqual([
      { currentSessionEnded: { sessionId: phone.sessionId, reason } },
    ]);
    expect(await phone.socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
    console.log(`${action} on A → 4403 on B: ${(performance.now() - start).toFixed(1)} ms`);
  }

  it('tells a phone that the laptop revoked it (REVOKED), then closes its socket with 4403', async () => {
    const alice = await createUser(a);
    const phone = await phoneOf(alice);

    const start = performance.now();
    const revoked = await a.gql(
      'mutation ($id: ID!) { revokeSession(id: $id) { revokedSessionId } }',
      { id: phone.sessionId },
      { token: alice.token },
    );
    expect(revoked.errors).toBeUndefined();

    await expectEnded(phone, 'REVOKED', start, 'revokeSession');
  });

  it('says SIGNED_OUT when the session signed itself out, by signOut or by revoking itself', async () => {
    const alice = await createUser(a);
    const viaSignOut = await phoneOf(alice);
    const viaRevoke = await phoneOf(alice);

    let start = performance.now();
    expect((await a.gql('mutation { signOut }', {}, { token: viaSignOut.token })).data).toEqual({
      signOut: true,
    });
    await expectEnded(viaSignOut, 'SIGNED_OUT', start, 'signOut');

    start = performance.now();
    const revoked = await a.gql(
      'mutation ($id: ID!) { revokeSession(id: $id) { revokedSessionId } }',
      { id: viaRevoke.sessionId },
      { token: viaRevoke.token },
    );
    expect(revoked.errors).toBeUndefined();
    await expectEnded(viaRevoke, 'SIGNED_OUT', start, 'revokeSession of itself');
  });

  it('says SIGNED_OUT_BY_OTHER_SESSION to every other device, and leaves the laptop’s own socket open', async () => {
    const alice = await createUser(a);
    const phones = [await phoneOf(alice), await phoneOf(alice), await phoneOf(alice)];
    const laptop = new LiveClient(b, { token: alice.token });
    clients.push(laptop);
    const laptopEnded = laptop.subscribe<Ended>(CURRENT_SESSION_ENDED);
    await laptop.connected;

    const start = performance.now();
    const ended = await a.gql<{ signOutOtherSessions: { signedOutCount: number } }>(
      'mutation { signOutOtherSessions { signedOutCount } }',
      {},
      { token: alice.token },
    );
    expect(ended.data?.signOutOtherSessions.signedOutCount).toBe(3);

    for (const phone of phones)
      await expectEnded(phone, 'SIGNED_OUT_BY_OTHER_SESSION', start, 'signOutOtherSessions');
    // The laptop's socket is still served: a new operation on it is accepted.
    const again = laptop.subscribe<Ended>(CURRENT_SESSION_ENDED);
    await untilSubscribed(
      b,
      (
        await b.gql<{ me: { sessions: Array<{ id: string; current: boolean }> } }>(
          '{ me { sessions { id current } } }',
          {},
          { token: alice.token },
        )
      ).data!.me.sessions.find((session) => session.current)!.id,
      2,
    );
    expect(laptopEnded.events).toEqual([]);
    expect(again.events).toEqual([]);
  });

  it('says PASSWORD_CHANGED to the other devices when the password is changed from one', async () => {
    const alice = await createUser(a);
    const phone = await phoneOf(alice);

    const start = performance.now();
    const changed = await a.gql(
      'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { signedOutCount } }',
      { input: { currentPassword: alice.password, newPassword: 'an entirely new passphrase' } },
      { token: alice.token },
    );
    expect(changed.data).toEqual({ changePassword: { signedOutCount: 1 } });

    await expectEnded(phone, 'PASSWORD_CHANGED', start, 'changePassword');
  });

  it('closes with 4403 a socket of an ended session that subscribed to nothing', async () => {
    const alice = await createUser(a);
    const { sessionId, token } = await signIn(a, alice);
    const idle = new LiveClient(b, { token });
    clients.push(idle);
    await idle.connected;

    const revoked = await a.gql(
      'mutation ($id: ID!) { revokeSession(id: $id) { revokedSessionId } }',
      { id: sessionId },
      { token: alice.token },
    );
    expect(revoked.errors).toBeUndefined();

    expect(await idle.closed).toEqual({ code: 4403, reason: 'Session ended' });
  });
});
