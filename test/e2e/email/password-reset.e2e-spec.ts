import pg from 'pg';

import { PasswordResetService } from '../../../src/auth/password-reset.service.js';
import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, signIn, type TestUser, uniqueEmail, whoAmI } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { type TestApp, withoutRequestIds } from '../../support/test-app.js';
import { TestApp as App } from '../../support/test-app.js';

const REQUEST = 'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
const RESET = `mutation($input: ResetPasswordInput!) {
  resetPassword(input: $input) { token user { id } session { id signInMethod } }
}`;
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { user { id } } }';
const EVENTS = '{ me { securityEvents(first: 10) { edges { node { type } } } } }';
const NEW_PASSWORD = 'a brand new passphrase';
const SUBJECT = 'Reset your password';

interface ResetData {
  resetPassword: { token: string; user: { id: string }; session: { id: string; signInMethod: string } };
}

describe('password reset by email, with a real SMTP server', () => {
  let catcher: MailCatcher;
  let app: TestApp;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    // Delivery only when a test runs the job: what each test sees is what it caused.
    app = await App.create({ ...catcher.env, MAIL_DELIVERY_INTERVAL_MS: '3600000' });
  });

  afterAll(async () => {
    await app?.close();
    await catcher?.close();
  });

  // Reset requests queue their mail after answering: wait for that, then deliver.
  const deliver = async (): Promise<void> => {
    await app.get(PasswordResetService).settled();
    await app.get(MailDeliveryJob).run();
  };

  async function requestReset(email: string): Promise<unknown> {
    const response = await app.gql(REQUEST, { input: { email } });
    return { data: response.data, errors: withoutRequestIds(response.errors) };
  }

  async function mailedToken(user: TestUser, count = 1): Promise<string> {
    await deliver();
    const mails = await catcher.waitFor(user.email, count, SUBJECT);
    const link = new URL(mails[count - 1].link ?? '');
    expect(link.pathname).toBe('/reset-password');
    return link.searchParams.get('token') ?? '';
  }

  function reset(token: string, newPassword = NEW_PASSWORD) {
    return app.gql<ResetData>(RESET, { input: { token, newPassword } });
  }

  async function signInCode(email: string, password: string): Promise<string | null> {
    const response = await app.gql(SIGN_IN, { input: { email, password } });
    return response.errors ? String(response.errors[0].extensions?.code) : null;
  }

  function tokenError(response: Awaited<ReturnType<typeof reset>>): unknown {
    return { code: response.errors?.[0]?.extensions?.code, fields: response.errors?.[0]?.extensions?.fields };
  }

  const BAD_TOKEN = { code: 'BAD_USER_INPUT', fields: { token: ['This link is invalid or has expired.'] } };

  it('mails a link whose use sets the password, ends every session and signs in a new one', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);

    expect(await requestReset(alice.email)).toEqual({
      data: { requestPasswordReset: true },
      errors: undefined,
    });
    await deliver();
    const [mail] = await catcher.waitFor(alice.email, 1, SUBJECT);
    expect(mail.html).toContain('href="http');
    expect(mail.html).not.toMatch(/<img/i);
    const token = new URL(mail.link ?? '').searchParams.get('token') ?? '';
    // Once sent, the database keeps nothing that opens the link: the token
    // table holds a hash, the outbox forgets the body.
    expect(await app.sql("SELECT 1 FROM mail_outbox WHERE text_body LIKE '%' || $1 || '%'", [token])).toEqual(
      [],
    );

    const response = await reset(token);

    expect(response.errors).toBeUndefined();
    expect(response.data?.resetPassword.user.id).toBe(alice.id);
    expect(response.data?.resetPassword.session.signInMethod).toBe('PASSWORD_RESET');
    expect(await whoAmI(app, alice.token)).toBeNull();
    expect(await whoAmI(app, phone.token)).toBeNull();
    const fresh = response.data?.resetPassword.token ?? '';
    expect(await whoAmI(app, fresh)).toEqual({ id: alice.id, activeSessionCount: 1 });
    expect(await signInCode(alice.email, alice.password)).toBe('UNAUTHENTICATED');
    expect(await signInCode(alice.email, NEW_PASSWORD)).toBeNull();
    const events = await app.gql<{ me: { securityEvents: { edges: Array<{ node: { type: string } }> } } }>(
      EVENTS,
      {},
      { token: fresh },
    );
    const types = events.data?.me.securityEvents.edges.map((edge) => edge.node.type);
    expect(types).toEqual(expect.arrayContaining(['PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET']));
  });

  it('answers an unknown address exactly as a known one, and mails nothing', async () => {
    const known = await createUser(app);
    const unknown = uniqueEmail();

    expect(await requestReset(unknown)).toEqual(await requestReset(known.email));
    await deliver();
    await catcher.waitFor(known.email, 1, SUBJECT);
    expect(catcher.to(unknown)).toEqual([]);
    expect(await app.sql('SELECT 1 FROM mail_outbox WHERE recipient = $1', [unknown])).toEqual([]);
  });

  it('answers before looking the address up, so the time of the answer cannot tell either', async () => {
    const known = await createUser(app);
    const unknown = uniqueEmail();
    // Nothing can read the users table until this transaction ends: an answer that waited for the
    // account lookup (or for the mail it queues) could not arrive while it is held.
    const holder = new pg.Client({ connectionString: app.database.directUrl ?? app.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const answers = [await requestReset(known.email), await requestReset(unknown)];
      expect(answers[0]).toEqual({ data: { requestPasswordReset: true }, errors: undefined });
      expect(answers[1]).toEqual(answers[0]);
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }

    // Once the table is free, the known address gets its link and the unknown one nothing.
    await deliver();
    await catcher.waitFor(known.email, 1, SUBJECT);
    expect(await app.sql('SELECT 1 FROM mail_outbox WHERE recipient = $1', [unknown])).toEqual([]);
  });

  it('refuses a used link, and every other outstanding link once one was used', async () => {
    const bob = await createUser(app);
    await requestReset(bob.email);
    const first = await mailedToken(bob, 1);
    await requestReset(bob.email);
    const second = await mailedToken(bob, 2);

    expect((await reset(second)).errors).toBeUndefined();

    expect(tokenError(await reset(second, 'yet another passphrase'))).toEqual(BAD_TOKEN);
    expect(tokenError(await reset(first, 'yet another passphrase'))).toEqual(BAD_TOKEN);
    expect(await signInCode(bob.email, NEW_PASSWORD)).toBeNull();
  });

  it('refuses an expired, a tampered and a made-up link, and changes nothing', async () => {
    const carol = await createUser(app);
    await requestReset(carol.email);
    const token = await mailedToken(carol);
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

    expect(tokenError(await reset(tampered))).toEqual(BAD_TOKEN);
    expect(tokenError(await reset('not-a-token'))).toEqual(BAD_TOKEN);
    await app.sql("UPDATE email_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1", [
      carol.id,
    ]);
    expect(tokenError(await reset(token))).toEqual(BAD_TOKEN);
    expect(await whoAmI(app, carol.token)).toEqual({ id: carol.id, activeSessionCount: 1 });
    expect(await signInCode(carol.email, carol.password)).toBeNull();
  });

  it("never lets one user's link act on another account", async () => {
    const dave = await createUser(app);
    const erin = await createUser(app);
    await requestReset(dave.email);
    const token = await mailedToken(dave);

    const response = await reset(token);

    expect(response.data?.resetPassword.user.id).toBe(dave.id);
    expect(await whoAmI(app, erin.token)).toEqual({ id: erin.id, activeSessionCount: 1 });
    expect(await signInCode(erin.email, erin.password)).toBeNull();
  });

  it('keeps a mail through an SMTP outage and delivers it once when the server recovers', async () => {
    const frank = await createUser(app);
    catcher.refuse();
    await requestReset(frank.email);
    await deliver();
    expect(catcher.to(frank.email, SUBJECT)).toEqual([]);
    const [row] = await app.sql<{ attempts: number; last_error: string | null }>(
      'SELECT attempts, last_error FROM mail_outbox WHERE recipient = $1',
      [frank.email],
    );
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('451');

    catcher.accept();
    // The backoff would wait seconds: the test brings the retry forward.
    await app.sql('UPDATE mail_outbox SET next_attempt_at = now() WHERE recipient = $1', [frank.email]);
    await deliver();
    await deliver();

    expect(await catcher.waitFor(frank.email, 1, SUBJECT)).toHaveLength(1);
  });
});
