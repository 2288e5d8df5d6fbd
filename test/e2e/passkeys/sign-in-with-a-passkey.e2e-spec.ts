import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { addSessions, createUser, signIn, USER_AGENTS, whoAmI } from '../../support/factories.js';
import { closeAll, CURRENT_SESSION_ENDED, LiveClient, untilSubscribed } from '../../support/live-client.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import {
  accountState,
  addPasskey,
  MY_PASSKEYS,
  PASSKEY_ORIGIN,
  PASSKEY_RP_ID,
  passkeyRowsOf,
  type PasskeyView,
  signInWithPasskey,
  START_REGISTRATION,
  START_SIGN_IN,
  testAuthenticator,
} from '../../support/passkeys.js';
import { securityEventRowsOf } from '../../support/session-rows.js';
import { TestApp } from '../../support/test-app.js';

const SESSIONS_PER_USER_MAX = 6;

const NOT_ME = 'mutation($token: String!) { reportUnrecognizedSignIn(token: $token) }';

type MyPasskeys = { me: { id: string; twoFactorEnabled: boolean; passkeys: PasskeyView[] } };
type SessionEnded = { currentSessionEnded: { sessionId: string; reason: string } };

/**
 * A passkey is added under the sudo window and then signs its owner in on its
 * own, no email typed: the session it makes is an ordinary one (counted,
 * listed, logged, alerted, capped) that says it was made with a passkey.
 */
describe('adding a passkey and signing in with it', () => {
  let catcher: MailCatcher;
  let app: TestApp;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    app = await TestApp.create({ ...catcher.env, SESSIONS_PER_USER_MAX: String(SESSIONS_PER_USER_MAX) });
  });

  afterAll(async () => {
    await closeAll(clients, app);
    await catcher?.close();
  });

  async function mailTo(address: string, subject: RegExp) {
    const matching = () => catcher.to(address).filter((mail) => subject.test(mail.subject));
    while (matching().length === 0) {
      await app.get(MailDeliveryJob).run();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return matching();
  }

  async function myPasskeys(token: string): Promise<MyPasskeys['me']> {
    const response = await app.gql<MyPasskeys>(MY_PASSKEYS, {}, { token });
    return response.data!.me;
  }

  it('will not start without a proof given after sign-in (a stolen cookie is not one)', async () => {
    const user = await createUser(app);

    const refused = await app.gql(START_REGISTRATION, {}, { token: user.token });

    expect(refused.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(await app.sql('SELECT 1 FROM passkey_challenges WHERE user_id = $1', [user.id])).toHaveLength(0);
  });

  it('stores the passkey, turns two-factor on, ends the other sessions, logs and mails it', async () => {
    const user = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    const laptop = await signIn(app, user, { userAgent: USER_AGENTS.chromeOnMac });
    const live = new LiveClient(app, { token: laptop.token });
    clients.push(live);
    const ended = live.subscribe<SessionEnded>(CURRENT_SESSION_ENDED);
    await untilSubscribed(app, laptop.sessionId, 1);

    const passkey = await addPasskey(app, user, testAuthenticator(), { name: 'Work laptop' });

    expect(passkey).toMatchObject({ name: 'Work laptop', lastUsedAt: null, synced: false });
    expect(await myPasskeys(user.token)).toEqual({
      id: user.id,
      twoFactorEnabled: true,
      passkeys: [passkey],
    });
    // Two-factor went on: a session that proved one factor ends, the one that added the passkey stays.
    expect(await ended.atLeast(1)).toEqual([
      { currentSessionEnded: { sessionId: laptop.sessionId, reason: 'TWO_FACTOR_ENABLED' } },
    ]);
    expect(await whoAmI(app, laptop.token)).toBeNull();
    expect(await whoAmI(app, user.token)).toEqual({ id: user.id, activeSessionCount: 1 });
    const added = (await securityEventRowsOf(app, user.id)).filter((event) => event.type === 'PASSKEY_ADDED');
    expect(added).toHaveLength(1);
    const [mail] = await mailTo(user.email, /passkey/i);
    expect(mail.subject).toMatch(/^A passkey was added/);
    expect(mail.link).toMatch(`${PASSKEY_ORIGIN}/not-me?token=`);
  });

  it('hands anyone sign-in options naming no account, whose challenge lapses with TWO_FACTOR_CHALLENGE_SECONDS', async () => {
    const response = await app.gql<{ startPasskeySignIn: { optionsJson: string; expiresAt: string } }>(
      START_SIGN_IN,
    );

    const { optionsJson, expiresAt } = response.data!.startPasskeySignIn;
    const options = JSON.parse(optionsJson) as Record<string, unknown>;
    expect(options).toMatchObject({ rpId: PASSKEY_RP_ID, userVerification: 'required' });
    // Empty: the authenticator offers whichever passkey the person picks, so no email is typed.
    expect(options.allowCredentials ?? []).toEqual([]);
    const expiresIn = new Date(expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(250_000);
    expect(expiresIn).toBeLessThanOrEqual(300_000);
  });

  it('signs in with the passkey alone, no email typed: a PASSKEY session, counted and listed', async () => {
    const user = await createUser(app);
    const authenticator = testAuthenticator();
    const passkey = await addPasskey(app, user, authenticator);

    const response = await signInWithPasskey(app, authenticator);

    expect(response.errors).toBeUndefined();
    const { token, user: signedIn, session } = response.data!.signInWithPasskey;
    expect(signedIn).toEqual({ id: user.id, email: user.email });
    expect(session).toMatchObject({
      signInMethod: 'PASSKEY',
      authenticationFactors: ['PASSKEY'],
      current: true,
    });
    expect(response.setCookies.some((cookie) => cookie.startsWith(`session=${token}`))).toBe(true);
    expect(await whoAmI(app, token)).toEqual({ id: user.id, activeSessionCount: 2 });
    const listed = await app.gql<{ me: { sessions: Array<{ id: string; signInMethod: string }> } }>(
      '{ me { sessions { id signInMethod } } }',
      {},
      { token: user.token },
    );
    expect(listed.data!.me.sessions).toContainEqual({ id: session.id, signInMethod: 'PASSKEY' });
    const signedInEvents = (await securityEventRowsOf(app, user.id)).filter(
      (event) => event.type === 'SIGNED_IN' && event.session_id === session.id,
    );
    expect(signedInEvents).toHaveLength(1);
    const [listedPasskey] = (await myPasskeys(token)).passkeys;
    expect(listedPasskey.id).toBe(passkey.id);
    expect(Date.now() - new Date(listedPasskey.lastUsedAt!).getTime()).toBeLessThan(60_000);
  });

  it('keeps the counter the authenticator sent, one more at each sign-in', async () => {
    const user = await createUser(app);
    const authenticator = testAuthenticator();
    await addPasskey(app, user, authenticator);

    for (let signInNumber = 1; signInNumber <= 2; signInNumber++) {
      expect((await signInWithPasskey(app, authenticator)).errors).toBeUndefined();
    }

    // Registration sent 1, the two sign-ins 2 and 3.
    expect((await passkeyRowsOf(app, [user.id]))[0].counter).toBe('3');
  });

  it('lists a synced passkey as synced and lets it sign in again and again with a counter of 0', async () => {
    const user = await createUser(app);
    const synced = testAuthenticator({ counter: 'zero', backupEligible: true, backedUp: true });
    const passkey = await addPasskey(app, user, synced);

    expect(passkey.synced).toBe(true);
    for (let signInNumber = 1; signInNumber <= 3; signInNumber++) {
      expect((await signInWithPasskey(app, synced)).errors).toBeUndefined();
    }
    expect(await whoAmI(app, user.token)).toMatchObject({ activeSessionCount: 4 });
  });

  it('mails the owner about a passkey sign-in from a device the account never used', async () => {
    const user = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    const authenticator = testAuthenticator();
    await addPasskey(app, user, authenticator);

    const response = await signInWithPasskey(
      app,
      authenticator,
      {},
      { userAgent: USER_AGENTS.safariOnIphone },
    );

    expect(response.errors).toBeUndefined();
    const [alert] = await mailTo(user.email, /^New sign-in to your account$/);
    expect(alert.text).toContain('127.0.0.1');
    expect(new URL(alert.link!).pathname).toBe('/not-me');
  });

  it('signs no one in after "This wasn\'t me" about a passkey sign-in (PASSWORD_RESET_REQUIRED)', async () => {
    const user = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    const authenticator = testAuthenticator();
    await addPasskey(app, user, authenticator);
    const intruder = await signInWithPasskey(
      app,
      authenticator,
      {},
      { userAgent: USER_AGENTS.firefoxOnWindows },
    );
    const [alert] = await mailTo(user.email, /^New sign-in to your account$/);

    const reported = await app.gql(NOT_ME, { token: new URL(alert.link!).searchParams.get('token') });

    expect(reported.errors).toBeUndefined();
    expect(await whoAmI(app, intruder.data!.signInWithPasskey.token)).toBeNull();
    const before = await accountState(app, [user.id]);
    const again = await signInWithPasskey(app, authenticator);
    expect(again.errors?.[0].extensions?.code).toBe('PASSWORD_RESET_REQUIRED');
    expect(await accountState(app, [user.id])).toEqual(before);
  });

  it('"This wasn\'t me" from the "passkey added" mail removes the passkey someone else added', async () => {
    const owner = await createUser(app);
    // Someone who knows the password signs in and adds their own passkey (the owner is signed out by it).
    const intruder = await signIn(app, owner, { userAgent: USER_AGENTS.firefoxOnWindows });
    const intrudersKey = testAuthenticator();
    await addPasskey(app, { ...owner, token: intruder.token }, intrudersKey);
    const [mail] = await mailTo(owner.email, /^A passkey was added/);

    const reported = await app.gql(NOT_ME, { token: new URL(mail.link!).searchParams.get('token') });

    expect(reported.errors).toBeUndefined();
    expect(await passkeyRowsOf(app, [owner.id])).toEqual([]);
    expect(await whoAmI(app, intruder.token)).toBeNull();
    const refused = await signInWithPasskey(app, intrudersKey);
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const removed = (await securityEventRowsOf(app, owner.id)).filter(
      (event) => event.type === 'PASSKEY_REMOVED',
    );
    expect(removed).toHaveLength(1);
  });

  it('keeps the per-user session cap: the least recently active sessions make room', async () => {
    const user = await createUser(app);
    const authenticator = testAuthenticator();
    await addPasskey(app, user, authenticator);
    await addSessions(app, user, SESSIONS_PER_USER_MAX + 3);

    const response = await signInWithPasskey(app, authenticator);

    const { token } = response.data!.signInWithPasskey;
    expect(await whoAmI(app, token)).toEqual({ id: user.id, activeSessionCount: SESSIONS_PER_USER_MAX });
  });
});
