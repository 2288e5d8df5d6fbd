import { PasswordResetService } from '../../../src/auth/password-reset.service.js';
import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, signIn, USER_AGENTS } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { TestApp } from '../../support/test-app.js';

const REQUEST_RESET = 'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
const RESET_PASSWORD = 'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token } }';
const ALERT = 'New sign-in to your account';
const RESET = 'Reset your password';
const REPORT = 'mutation($token: String!) { reportUnrecognizedSignIn(token: $token) }';

describe('mail that is never delivered keeps no secret in the outbox', () => {
  let catcher: MailCatcher;
  let app: TestApp;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    app = await TestApp.create({
      ...catcher.env,
      MAIL_DELIVERY_INTERVAL_MS: '3600000',
      // One refused attempt and the mail is given up on; reset links last two seconds.
      MAIL_MAX_ATTEMPTS: '1',
      EMAIL_TOKEN_TTL_SECONDS: '2',
    });
  });

  afterAll(async () => {
    await app?.close();
    await catcher?.close();
  });

  const deliver = async (): Promise<void> => {
    await app.get(PasswordResetService).settled();
    await app.get(MailDeliveryJob).run();
  };

  /** What someone reading the table (a backup, a read-only role) finds: the links' tokens in the bodies. */
  async function tokensInOutbox(recipient: string, subject: string): Promise<string[]> {
    const rows = await app.sql<{ body: string }>(
      'SELECT text_body || html_body AS body FROM mail_outbox WHERE recipient = $1 AND subject = $2',
      [recipient, subject],
    );
    const tokens = rows.flatMap(({ body }) =>
      [...body.matchAll(/token=([A-Za-z0-9_-]{43})/g)].map((m) => m[1]),
    );
    return [...new Set(tokens)];
  }

  it('empties a mail given up on: its "This wasn\'t me" link cannot be read back and used', async () => {
    const alice = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    await signIn(app, alice, { userAgent: USER_AGENTS.safariOnIphone });
    catcher.refuse();
    try {
      await deliver();
    } finally {
      catcher.accept();
    }
    const [row] = await app.sql<{ attempts: number; sent: boolean }>(
      'SELECT attempts, sent_at IS NOT NULL AS sent FROM mail_outbox WHERE recipient = $1 AND subject = $2',
      [alice.email, ALERT],
    );
    expect(row).toEqual({ attempts: 1, sent: false });

    const found = await tokensInOutbox(alice.email, ALERT);

    expect(found).toEqual([]);
    // Before the fix the attacker's next step worked: lock the owner out with the owner's own link.
    for (const token of found) await app.gql(REPORT, { token });
    const [user] = await app.sql('SELECT password_reset_required FROM users WHERE id = $1', [alice.id]);
    expect(user).toEqual({ password_reset_required: false });
    await deliver();
    expect(catcher.to(alice.email, ALERT)).toEqual([]);
  });

  it('empties, and never sends, a mail whose link expired before it could go', async () => {
    const bob = await createUser(app);
    await app.gql(REQUEST_RESET, { input: { email: bob.email } });
    await app.get(PasswordResetService).settled();
    expect(await tokensInOutbox(bob.email, RESET)).toHaveLength(1);
    // The delivery job does not run until the link is past its expiry.
    while (
      (
        await app.sql(
          'SELECT 1 FROM mail_outbox WHERE recipient = $1 AND subject = $2 AND expires_at > now()',
          [bob.email, RESET],
        )
      ).length
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await deliver();

    expect(catcher.to(bob.email, RESET)).toEqual([]);
    const found = await tokensInOutbox(bob.email, RESET);
    expect(found).toEqual([]);
    for (const token of found) {
      await app.gql(RESET_PASSWORD, { input: { token, newPassword: 'attacker picked this one' } });
    }
    const [row] = await app.sql('SELECT text_body, html_body FROM mail_outbox WHERE recipient = $1', [
      bob.email,
    ]);
    expect(row).toEqual({ text_body: '', html_body: '' });
  });
});
