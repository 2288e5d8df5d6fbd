import { PasswordResetService } from '../../../src/auth/password-reset.service.js';
import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, signIn, type TestUser, USER_AGENTS } from '../../support/factories.js';
import { closeAll, CURRENT_SESSION_ENDED, LiveClient, untilSubscribed } from '../../support/live-client.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { sessionIdOf } from '../../support/session-rows.js';
import { TestApp } from '../../support/test-app.js';

const REQUEST_RESET = 'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
const RESET = 'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token } }';
const REPORT = 'mutation($token: String!) { reportUnrecognizedSignIn(token: $token) }';

interface Ended {
  currentSessionEnded: { sessionId: string; reason: string };
}

/**
 * The two endings issue 14 adds reach open sockets like the others: on
 * another instance than the one that ended the sessions, every socket of the
 * account hears why, then closes with 4403.
 */
describe('sockets of sessions ended from an emailed link', () => {
  let catcher: MailCatcher;
  let a: TestApp;
  let b: TestApp;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    // Delivery only when a test runs the job, on instance A.
    const env = { ...catcher.env, MAIL_DELIVERY_INTERVAL_MS: '3600000' };
    a = await TestApp.create(env);
    b = await TestApp.create(env, { shareDatabaseOf: a });
  });

  afterAll(async () => {
    await closeAll(clients, b, a);
    await catcher?.close();
  });

  async function linkToken(user: TestUser, subject: string): Promise<string> {
    await a.get(PasswordResetService).settled(); // a reset link is queued after the answer
    await a.get(MailDeliveryJob).run();
    const [mail] = await catcher.waitFor(user.email, 1, subject);
    return new URL(mail.link ?? '').searchParams.get('token') ?? '';
  }

  /** Every session of the user with a subscribed socket on instance B. */
  async function socketsOnB(tokens: Array<{ token: string; sessionId: string }>) {
    return Promise.all(
      tokens.map(async ({ token, sessionId }) => {
        const socket = new LiveClient(b, { token });
        clients.push(socket);
        const ended = socket.subscribe<Ended>(CURRENT_SESSION_ENDED);
        await untilSubscribed(b, sessionId);
        return { socket, ended, sessionId };
      }),
    );
  }

  it('resetPassword: every socket of the account hears PASSWORD_RESET, then closes', async () => {
    const alice = await createUser(a, { userAgent: USER_AGENTS.chromeOnMac });
    const phone = await signIn(a, alice, { userAgent: USER_AGENTS.chromeOnMac });
    const sockets = await socketsOnB([{ token: alice.token, sessionId: sessionIdOf(alice.token) }, phone]);
    await a.gql(REQUEST_RESET, { input: { email: alice.email } });
    const token = await linkToken(alice, 'Reset your password');

    const reset = await a.gql(RESET, { input: { token, newPassword: 'a brand new passphrase' } });
    expect(reset.errors).toBeUndefined();

    for (const { socket, ended, sessionId } of sockets) {
      expect(await ended.atLeast(1)).toEqual([
        { currentSessionEnded: { sessionId, reason: 'PASSWORD_RESET' } },
      ]);
      expect(await socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
    }
  });

  it('reportUnrecognizedSignIn: the owner’s and the intruder’s sockets hear UNRECOGNIZED_SIGN_IN_REPORTED, then close', async () => {
    const bob = await createUser(a, { userAgent: USER_AGENTS.chromeOnMac });
    const intruder = await signIn(a, bob, { userAgent: USER_AGENTS.safariOnIphone });
    const sockets = await socketsOnB([{ token: bob.token, sessionId: sessionIdOf(bob.token) }, intruder]);
    const token = await linkToken(bob, 'New sign-in to your account');

    const reported = await a.gql(REPORT, { token });
    expect(reported.data).toEqual({ reportUnrecognizedSignIn: true });

    for (const { socket, ended, sessionId } of sockets) {
      expect(await ended.atLeast(1)).toEqual([
        { currentSessionEnded: { sessionId, reason: 'UNRECOGNIZED_SIGN_IN_REPORTED' } },
      ]);
      expect(await socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
    }
  });
});
