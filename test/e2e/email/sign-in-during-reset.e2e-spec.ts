import { PasswordResetService } from '../../../src/auth/password-reset.service.js';
import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, signIn, type TestUser, USER_AGENTS } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { sessionIdOf } from '../../support/session-rows.js';
import { raceSignIns, raceWasShown } from '../../support/sign-in-race.js';
import { TestApp } from '../../support/test-app.js';

const REQUEST = 'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
const RESET = 'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token } }';
const REPORT = 'mutation($token: String!) { reportUnrecognizedSignIn(token: $token) }';

/**
 * A reset and "This wasn't me" are how an owner who lost the account gets it
 * back, so, as for changePassword, no session made from the old password may
 * survive them, however the intruder's sign-ins interleave.
 */
describe('sign-ins with the old password racing a reset and a "This wasn\'t me"', () => {
  let catcher: MailCatcher;
  let app: TestApp;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    app = await TestApp.create({
      ...catcher.env,
      MAIL_DELIVERY_INTERVAL_MS: '3600000',
      RATE_LIMIT_PER_IP: '100000',
      RATE_LIMIT_PER_IP_AND_ACCOUNT: '100000',
    });
  });

  afterAll(async () => {
    await app?.close();
    await catcher?.close();
  });

  async function mailedToken(user: TestUser, subject: string): Promise<string> {
    await app.get(PasswordResetService).settled();
    await app.get(MailDeliveryJob).run();
    const [mail] = await catcher.waitFor(user.email, 1, subject);
    return new URL(mail.link ?? '').searchParams.get('token') ?? '';
  }

  it('a reset leaves only the session it signs in', async () => {
    let shown = false;
    for (let round = 0; round < 6 && !shown; round++) {
      const owner = await createUser(app);
      await app.gql(REQUEST, { input: { email: owner.email } });
      const token = await mailedToken(owner, 'Reset your password');

      const { signIns, takeBack, activeSessionIds } = await raceSignIns(app, owner, () =>
        app.gql(RESET, { input: { token, newPassword: 'the owner took it back' } }),
      );

      expect(takeBack.errors).toBeUndefined();
      const { resetPassword } = takeBack.data as { resetPassword: { token: string } };
      expect(activeSessionIds).toEqual([sessionIdOf(resetPassword.token)]);
      for (const refused of signIns.filter((response) => response.errors))
        expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      shown = raceWasShown(signIns);
    }
    expect(shown).toBe(true);
  });

  it('"This wasn\'t me" leaves no session at all, and the old password then asks for a reset', async () => {
    let shown = false;
    for (let round = 0; round < 6 && !shown; round++) {
      const owner = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
      // The intruder's first sign-in, from a browser the account never used, mailed the owner.
      await signIn(app, owner, { userAgent: USER_AGENTS.firefoxOnWindows });
      const token = await mailedToken(owner, 'New sign-in to your account');

      const { signIns, takeBack, activeSessionIds } = await raceSignIns(
        app,
        owner,
        () => app.gql(REPORT, { token }),
        'after-the-first-answer',
      );

      expect(takeBack.errors).toBeUndefined();
      expect(activeSessionIds).toEqual([]);
      for (const refused of signIns.filter((response) => response.errors))
        expect(refused.errors?.[0]?.extensions?.code).toBe('PASSWORD_RESET_REQUIRED');
      shown = raceWasShown(signIns);
    }
    expect(shown).toBe(true);
  });
});
