import pg from 'pg';

import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { SESSION_EVENTS_CHANNEL } from '../../../src/sessions/session-events.js';
import {
  createUser,
  reauthenticate,
  type TestUser,
  uniqueEmail,
  USER_AGENTS,
} from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { CookieJar, signInThroughProvider } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider } from '../../support/oidc-test-app.js';
import { ageSessions, securityEventRowsOf } from '../../support/session-rows.js';

const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token session { id } } }';
const REQUEST_RESET = 'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
const RESET =
  'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token session { id } } }';
const NEW_SIGN_IN = 'New sign-in to your account';
const CAP = 3;

/**
 * One door in: whatever proved the person (a password, a provider, a reset
 * link), the session it makes gets the same rules, written once in
 * src/doors/sign-in-door.ts: the per-user cap (ending the least recently
 * active, each with a SESSION_REVOKED event), the sign-in's event, the live
 * notice to every instance (NOTIFY), and the lockdown of "This wasn't me".
 */
describe('every sign-in method through the one door', () => {
  let catcher: MailCatcher;
  let setup: OidcTestSetup;
  let listener: pg.Client;
  type Notice = { kind: string; userId: string; reason?: string; sessionIds?: string[] };
  const notices: Notice[] = [];

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    setup = await startAppWithProvider({
      env: { ...catcher.env, LOG_LEVEL: 'error', SESSIONS_PER_USER_MAX: String(CAP) },
    });
    listener = new pg.Client({ connectionString: setup.app.database.url });
    await listener.connect();
    listener.on('notification', (message) => notices.push(JSON.parse(message.payload ?? '{}') as Notice));
    await listener.query(`LISTEN ${SESSION_EVENTS_CHANNEL}`);
  });

  afterAll(async () => {
    await listener?.end();
    await setup?.app.close();
    await setup?.provider.close();
    await catcher?.close();
  });

  /** An owner with a password and a linked provider identity, at the cap, her first session the oldest. */
  async function ownerAtTheCap(): Promise<{ owner: TestUser; person: { subject: string; email: string } }> {
    const owner = await createUser(setup.app, { userAgent: USER_AGENTS.chromeOnMac });
    const person = { subject: `door-${Math.random().toString(36).slice(2)}`, email: uniqueEmail() };
    await reauthenticate(setup.app, owner, owner.token);
    const jar = new CookieJar();
    jar.set(setup.app.url, 'session', owner.token);
    const linked = await signInThroughProvider(setup.app, setup.providerId, person, jar, '?link=1');
    if (linked.error) throw new Error(`link refused: ${linked.error}`);
    for (let i = 1; i < CAP; i++) {
      const response = await setup.app.gql(
        SIGN_IN,
        { input: { email: owner.email, password: owner.password } },
        { userAgent: USER_AGENTS.chromeOnMac },
      );
      if (response.errors) throw new Error(JSON.stringify(response.errors));
    }
    const [first] = await setup.app.sql<{ id: string }>(
      'SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at LIMIT 1',
      [owner.id],
    );
    await ageSessions(setup.app, [first.id], 600);
    return { owner, person };
  }

  /** Runs the delivery job until a mail with this subject reached the address (the reset request queues in the background). */
  async function mailTo(address: string, subject: string) {
    while (catcher.to(address, subject).length === 0) {
      await setup.app.get(MailDeliveryJob).run();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return catcher.to(address, subject);
  }

  async function sessionIds(userId: string): Promise<string[]> {
    const rows = await setup.app.sql<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [userId]);
    return rows.map(({ id }) => id);
  }

  const METHODS: Array<{
    name: string;
    event: string;
    signIn: (owner: TestUser, person: { subject: string; email: string }) => Promise<void>;
  }> = [
    {
      name: 'a password',
      event: 'SIGNED_IN',
      signIn: async (owner) => {
        const response = await setup.app.gql(
          SIGN_IN,
          { input: { email: owner.email, password: owner.password } },
          { userAgent: USER_AGENTS.firefoxOnWindows },
        );
        if (response.errors) throw new Error(JSON.stringify(response.errors));
      },
    },
    {
      name: 'an identity provider',
      event: 'SIGNED_IN',
      signIn: async (_owner, person) => {
        const result = await signInThroughProvider(setup.app, setup.providerId, person);
        if (result.error) throw new Error(`provider sign-in refused: ${result.error}`);
      },
    },
  ];

  it.each(METHODS)(
    'signing in with $name ends the least recently active session past the cap, logs both, and notifies',
    async ({ event, signIn }) => {
      const { owner, person } = await ownerAtTheCap();
      const before = await sessionIds(owner.id);
      const [oldest] = await setup.app.sql<{ id: string }>(
        'SELECT id FROM sessions WHERE user_id = $1 ORDER BY last_active_at LIMIT 1',
        [owner.id],
      );
      notices.length = 0;

      await signIn(owner, person);

      const after = await sessionIds(owner.id);
      expect(after).toHaveLength(CAP);
      expect(after).not.toContain(oldest.id);
      const [created] = after.filter((id) => !before.includes(id));
      const events = await securityEventRowsOf(setup.app, owner.id);
      const revoked = events.filter((row) => row.type === 'SESSION_REVOKED');
      expect(revoked).toEqual([
        expect.objectContaining({ session_id: oldest.id, actor_session_id: created }),
      ]);
      expect(events.filter((row) => row.type === event && row.session_id === created)).toHaveLength(1);
      await until(() => notices.some((notice) => notice.kind === 'started' && notice.userId === owner.id));
      expect(notices).toEqual(
        expect.arrayContaining([
          { kind: 'ended', userId: owner.id, reason: 'REVOKED', sessionIds: [oldest.id] },
          { kind: 'started', userId: owner.id },
        ]),
      );
    },
  );

  it.each(METHODS)('a sign-in with $name from a new device mails the alert', async ({ signIn }) => {
    const { owner, person } = await ownerAtTheCap();

    await signIn(owner, person);

    const [alert] = await mailTo(owner.email, NEW_SIGN_IN);
    expect(new URL(alert.link ?? '').pathname).toBe('/not-me');
  });

  it.each(METHODS)('a locked account ("This wasn\'t me") is not signed in with $name', async ({ signIn }) => {
    const { owner, person } = await ownerAtTheCap();
    await setup.app.sql('UPDATE users SET password_reset_required = true WHERE id = $1', [owner.id]);
    const before = await sessionIds(owner.id);

    await expect(signIn(owner, person)).rejects.toThrow(/PASSWORD_RESET_REQUIRED|password_reset_required/);

    expect((await sessionIds(owner.id)).sort()).toEqual(before.sort());
  });

  it('a password reset ends every session, and its new one goes through the same door (event, notice)', async () => {
    const { owner } = await ownerAtTheCap();
    await setup.app.gql(REQUEST_RESET, { input: { email: owner.email } });
    const [mail] = await mailTo(owner.email, 'Reset your password');
    notices.length = 0;

    const response = await setup.app.gql<{ resetPassword: { session: { id: string } } }>(RESET, {
      input: {
        token: new URL(mail.link ?? '').searchParams.get('token'),
        newPassword: 'a new passphrase here',
      },
    });

    const created = response.data!.resetPassword.session.id;
    expect(await sessionIds(owner.id)).toEqual([created]);
    const events = await securityEventRowsOf(setup.app, owner.id);
    expect(events.filter((row) => row.type === 'PASSWORD_RESET')).toEqual([
      expect.objectContaining({ session_id: created, ended_session_count: CAP }),
    ]);
    await until(() => notices.some((notice) => notice.kind === 'started' && notice.userId === owner.id));
    expect(notices).toEqual(
      expect.arrayContaining([
        { kind: 'ended', userId: owner.id, reason: 'PASSWORD_RESET', all: true },
        { kind: 'started', userId: owner.id },
      ]),
    );
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
