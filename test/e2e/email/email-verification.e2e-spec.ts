import { PasswordResetService } from '../../../src/auth/password-reset.service.js';
import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, type TestUser } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { TestApp } from '../../support/test-app.js';

const VERIFY = 'mutation($token: String!) { verifyEmail(token: $token) { id emailVerified } }';
const RESEND = 'mutation { requestEmailVerification }';
const ME = '{ me { emailVerified } }';

describe('email verification, with a real SMTP server', () => {
  let catcher: MailCatcher;
  let app: TestApp;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    app = await TestApp.create(catcher.env);
  });

  afterAll(async () => {
    await app?.close();
    await catcher?.close();
  });

  async function mailedToken(user: TestUser, count = 1): Promise<string> {
    await app.get(MailDeliveryJob).run();
    const mails = await catcher.waitFor(user.email, count);
    expect(mails[count - 1].subject).toBe('Confirm your email address');
    const link = new URL(mails[count - 1].link ?? '');
    expect(link.pathname).toBe('/verify-email');
    return link.searchParams.get('token') ?? '';
  }

  async function verifiedAs(user: TestUser): Promise<unknown> {
    return (await app.gql<{ me: { emailVerified: boolean } }>(ME, {}, { token: user.token })).data?.me
      .emailVerified;
  }

  it('mails a link on sign-up whose use confirms the address, once', async () => {
    const alice = await createUser(app);
    expect(await verifiedAs(alice)).toBe(false);
    const token = await mailedToken(alice);

    const response = await app.gql(VERIFY, { token });

    expect(response.data).toEqual({ verifyEmail: { id: alice.id, emailVerified: true } });
    expect(await verifiedAs(alice)).toBe(true);
    const again = await app.gql(VERIFY, { token });
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(again.errors?.[0]?.extensions?.fields as object)).toEqual(['token']);
  });

  it('sends a new link on request, and a reset link never confirms an address', async () => {
    const bob = await createUser(app);
    await mailedToken(bob);

    const resent = await app.gql(RESEND, {}, { token: bob.token });
    expect(resent.data).toEqual({ requestEmailVerification: true });
    const token = await mailedToken(bob, 2);

    expect((await app.gql(VERIFY, { token })).data).toEqual({
      verifyEmail: { id: bob.id, emailVerified: true },
    });
    await app.gql('mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }', {
      input: { email: bob.email },
    });
    await app.get(PasswordResetService).settled(); // the reset link is queued after the answer
    await app.get(MailDeliveryJob).run();
    const [reset] = await catcher.waitFor(bob.email, 1, 'Reset your password');
    const resetToken = new URL(reset.link ?? '').searchParams.get('token');
    expect((await app.gql(VERIFY, { token: resetToken })).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('needs a session to ask for a new link', async () => {
    const response = await app.gql(RESEND);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
