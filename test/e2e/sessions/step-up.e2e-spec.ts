import { addSessions, createUser, signIn, type TestUser } from '../../support/factories.js';
import {
  ageAuthentication,
  securityEventRowsOf,
  sessionIdOf,
  sessionIdsOf,
  sessionRow,
  sessionRowsOf,
} from '../../support/session-rows.js';
import { type TestApp, useTestApp } from '../../support/test-app.js';

const SIGN_OUT_OTHERS = 'mutation { signOutOtherSessions { signedOutCount } }';
const REVOKE = 'mutation Revoke($id: ID!) { revokeSession(id: $id) { revokedSessionId } }';
const REAUTHENTICATE = `mutation Reauthenticate($input: ReauthenticateInput!) {
  reauthenticate(input: $input) { session { id current authenticatedAt sudoExpiresAt signInMethod } }
}`;
const OWN_SESSIONS = '{ me { sessions { id current authenticatedAt sudoExpiresAt signInMethod } } }';

interface SessionView {
  id: string;
  current: boolean;
  authenticatedAt: string;
  sudoExpiresAt: string | null;
  signInMethod: string;
}

/** A user with a laptop (sign-up) and a phone, whose laptop proved its identity `age` seconds ago. */
async function userWithStaleLaptop(app: TestApp, age = 601): Promise<TestUser & { phone: string }> {
  const user = await createUser(app);
  const phone = await signIn(app, user);
  await ageAuthentication(app, [sessionIdOf(user.token)], age);
  return { ...user, phone: phone.sessionId };
}

async function ownSessions(app: TestApp, token: string): Promise<SessionView[]> {
  const response = await app.gql<{ me: { sessions: SessionView[] } }>(OWN_SESSIONS, {}, { token });
  return response.data!.me.sessions;
}

describe('step-up: ending other sessions needs a recent proof of identity', () => {
  const app = useTestApp();

  it('refuses signOutOtherSessions outside the window with REAUTHENTICATION_REQUIRED and changes nothing', async () => {
    const alice = await userWithStaleLaptop(app);
    await addSessions(app, alice, 3);
    const before = await sessionRowsOf(app, [alice.id]);
    const eventsBefore = await securityEventRowsOf(app, alice.id);

    const response = await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });

    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'REAUTHENTICATION_REQUIRED',
      methods: ['PASSWORD'],
      maxAgeSeconds: 600,
    });
    expect(await sessionRowsOf(app, [alice.id])).toEqual(before);
    expect(await securityEventRowsOf(app, alice.id)).toEqual(eventsBefore);
  });

  it('lets a fresh session sign out the others without asking again', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);

    const response = await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });

    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ signOutOtherSessions: { signedOutCount: 1 } });
    // The count alone would also be right for a statement that counted the phone and kept it.
    expect(await sessionRow(app, phone.sessionId)).toBeUndefined();
    expect(await sessionIdsOf(app, [alice.id])).toEqual([sessionIdOf(alice.token)]);
  });

  it('refuses revokeSession of another session outside the window, for a known id and an unknown one alike', async () => {
    const alice = await userWithStaleLaptop(app);
    const before = await sessionRowsOf(app, [alice.id]);

    const known = await app.gql(REVOKE, { id: alice.phone }, { token: alice.token });
    const unknown = await app.gql(
      REVOKE,
      { id: '7c3a1f7e-0000-4000-8000-000000000000' },
      { token: alice.token },
    );

    expect(known.errors?.[0]?.extensions).toMatchObject({ code: 'REAUTHENTICATION_REQUIRED' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'REAUTHENTICATION_REQUIRED' });
    expect(await sessionRowsOf(app, [alice.id])).toEqual(before);
  });

  it('revokes another session inside the window', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);

    const response = await app.gql(REVOKE, { id: phone.sessionId }, { token: alice.token });

    expect(response.data).toEqual({ revokeSession: { revokedSessionId: phone.sessionId } });
    expect(await sessionRow(app, phone.sessionId)).toBeUndefined();
  });

  it('never asks before ending the requesting session (signOut, revokeSession of itself)', async () => {
    const alice = await userWithStaleLaptop(app);
    const phone = await signIn(app, alice);
    await ageAuthentication(app, [phone.sessionId], 601);

    const revoked = await app.gql(REVOKE, { id: sessionIdOf(alice.token) }, { token: alice.token });
    const signedOut = await app.gql('mutation { signOut }', {}, { token: phone.token });

    expect(revoked.data).toEqual({ revokeSession: { revokedSessionId: sessionIdOf(alice.token) } });
    expect(signedOut.data).toEqual({ signOut: true });
    expect(await sessionRow(app, sessionIdOf(alice.token))).toBeUndefined();
    expect(await sessionRow(app, phone.sessionId)).toBeUndefined();
  });

  it('shows the window on the session: authenticatedAt, sudoExpiresAt (null once over), signInMethod', async () => {
    const alice = await userWithStaleLaptop(app);
    const sessions = await ownSessions(app, alice.token);
    const laptop = sessions.find((session) => session.current)!;
    const phone = sessions.find((session) => !session.current)!;

    expect(laptop.sudoExpiresAt).toBeNull();
    expect(laptop.signInMethod).toBe('PASSWORD');
    expect(phone.sudoExpiresAt).not.toBeNull();
    expect(Date.parse(phone.sudoExpiresAt!) - Date.parse(phone.authenticatedAt)).toBe(600_000);
  });
});

describe('reauthenticate', () => {
  const app = useTestApp();

  it('with the right password opens the window again, and the refused action then goes through', async () => {
    const alice = await userWithStaleLaptop(app);
    const [before] = await app.sql<{ authenticated_at: Date }>(
      'SELECT authenticated_at FROM sessions WHERE id = $1',
      [sessionIdOf(alice.token)],
    );

    const response = await app.gql<{ reauthenticate: { session: SessionView } }>(
      REAUTHENTICATE,
      { input: { password: alice.password } },
      { token: alice.token },
    );

    expect(response.errors).toBeUndefined();
    const session = response.data!.reauthenticate.session;
    expect(session).toMatchObject({ id: sessionIdOf(alice.token), current: true, signInMethod: 'PASSWORD' });
    expect(Date.parse(session.authenticatedAt)).toBeGreaterThan(before.authenticated_at.getTime());
    expect(Date.parse(session.sudoExpiresAt!) - Date.parse(session.authenticatedAt)).toBe(600_000);
    const signOut = await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });
    expect(signOut.data).toEqual({ signOutOtherSessions: { signedOutCount: 1 } });
    expect(await sessionRow(app, alice.phone)).toBeUndefined();
    expect(await sessionIdsOf(app, [alice.id])).toEqual([sessionIdOf(alice.token)]);
  });

  it('with a wrong password answers BAD_USER_INPUT on password (not UNAUTHENTICATED) and opens nothing', async () => {
    const alice = await userWithStaleLaptop(app);
    const before = await sessionRowsOf(app, [alice.id]);

    const response = await app.gql(
      REAUTHENTICATE,
      { input: { password: 'not the password' } },
      { token: alice.token },
    );

    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { password: ['Password is incorrect.'] },
    });
    expect(await sessionRowsOf(app, [alice.id])).toEqual(before);
    expect((await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token })).errors?.[0]?.extensions?.code).toBe(
      'REAUTHENTICATION_REQUIRED',
    );
  });

  it('needs a session', async () => {
    const response = await app.gql(REAUTHENTICATE, { input: { password: 'anything' } });

    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('moves forward with a successful changePassword; the sessions it keeps lose their window', async () => {
    const alice = await userWithStaleLaptop(app);
    const phone = await signIn(app, alice);

    const changed = await app.gql(
      `mutation Change($input: ChangePasswordInput!) { changePassword(input: $input) { signedOutCount } }`,
      {
        input: {
          currentPassword: alice.password,
          newPassword: 'a brand new passphrase for alice',
          signOutOtherSessions: false,
        },
      },
      { token: alice.token },
    );

    expect(changed.data).toEqual({ changePassword: { signedOutCount: 0 } });
    const sessions = await ownSessions(app, alice.token);
    expect(sessions.find((session) => session.current)?.sudoExpiresAt).not.toBeNull();
    expect(sessions.filter((session) => !session.current).map((session) => session.sudoExpiresAt)).toEqual([
      null,
      null,
    ]);
    const fromPhone = await app.gql(REVOKE, { id: sessionIdOf(alice.token) }, { token: phone.token });
    expect(fromPhone.errors?.[0]?.extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
  });
});

describe('reauthenticate under its rate limit', () => {
  const app = useTestApp({ RATE_LIMIT_PER_IP_AND_ACCOUNT: '2' });

  it('answers TOO_MANY_REQUESTS past the per-account limit, even with the right password', async () => {
    const alice = await userWithStaleLaptop(app);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const wrong = await app.gql(REAUTHENTICATE, { input: { password: 'guess' } }, { token: alice.token });
      expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }

    const right = await app.gql(
      REAUTHENTICATE,
      { input: { password: alice.password } },
      { token: alice.token },
    );

    expect(right.errors?.[0]?.extensions?.code).toBe('TOO_MANY_REQUESTS');
    const events = await securityEventRowsOf(app, alice.id);
    expect(events.filter((event) => event.type === 'REAUTHENTICATION_FAILED')).toHaveLength(2);
    expect(events.filter((event) => event.type === 'REAUTHENTICATED')).toHaveLength(0);
    // Another account is counted on its own.
    const bob = await userWithStaleLaptop(app);
    const bobs = await app.gql(REAUTHENTICATE, { input: { password: bob.password } }, { token: bob.token });
    expect(bobs.errors).toBeUndefined();
  });
});

describe('step-up turned off (SUDO_MODE_SECONDS=0)', () => {
  const app = useTestApp({ SUDO_MODE_SECONDS: '0' });

  it('ends other sessions however long ago the session signed in, and shows no window', async () => {
    const alice = await userWithStaleLaptop(app, 30 * 24 * 3600);

    const response = await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });

    expect(response.data).toEqual({ signOutOtherSessions: { signedOutCount: 1 } });
    expect((await ownSessions(app, alice.token))[0].sudoExpiresAt).toBeNull();
  });
});

describe('a short window (SUDO_MODE_SECONDS=5)', () => {
  const app = useTestApp({ SUDO_MODE_SECONDS: '5' });

  it('closes once that many seconds have passed since the proof', async () => {
    const alice = await userWithStaleLaptop(app, 6);

    const response = await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });

    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'REAUTHENTICATION_REQUIRED',
      maxAgeSeconds: 5,
    });
  });
});
