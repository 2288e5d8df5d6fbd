import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
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
import { securityEventRowsOf } from '../../support/session-rows.js';

const ADDED = 'A way to sign in was added to your account';
const REMOVED = 'A way to sign in was removed from your account';
const NEW_SIGN_IN = 'New sign-in to your account';
const RESET = 'Reset your password';
const REPORT = 'mutation($token: String!) { reportUnrecognizedSignIn(token: $token) }';
const RESET_PASSWORD = 'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token } }';
const IDENTITIES = '{ me { id identities { id } } }';
const UNLINK = 'mutation($id: ID!) { unlinkIdentity(id: $id) { id } }';

/**
 * Third security pass, finding 1: a stolen session must not be able to plant
 * a way back in. Replayed end to end against a real provider and a real SMTP
 * server: the link needs a proof given for it, every change of the account's
 * ways in is mailed, and "This wasn't me" plus a reset leave the intruder's
 * provider identity nothing to sign in to.
 */
describe('a provider identity planted from a stolen session', () => {
  let catcher: MailCatcher;
  let setup: OidcTestSetup;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    setup = await startAppWithProvider({ env: { ...catcher.env, LOG_LEVEL: 'error' } });
  });

  afterAll(async () => {
    await setup?.app.close();
    await setup?.provider.close();
    await catcher?.close();
  });

  const deliver = (): Promise<void> => setup.app.get(MailDeliveryJob).run();
  const attackerAtProvider = () => ({
    subject: `attacker-${Math.random().toString(36).slice(2)}`,
    email: uniqueEmail(),
  });
  const tokenOf = (link: string | undefined): string => new URL(link ?? '').searchParams.get('token') ?? '';

  /** The attacker's browser, holding the owner's session cookie. */
  function stolen(token: string): CookieJar {
    const jar = new CookieJar();
    jar.set(setup.app.url, 'session', token);
    return jar;
  }

  async function identitiesOf(token: string): Promise<Array<{ id: string }> | undefined> {
    const response = await setup.app.gql<{ me: { identities: Array<{ id: string }> } | null }>(
      IDENTITIES,
      {},
      { cookie: token },
    );
    return response.data?.me?.identities;
  }

  async function meId(token: string | undefined): Promise<string | null> {
    if (!token) return null;
    const response = await setup.app.gql<{ me: { id: string } | null }>(IDENTITIES, {}, { cookie: token });
    return response.data?.me?.id ?? null;
  }

  it("refuses a link from a cookie fresh from the owner's sign-in: the sign-in's freshness is no proof", async () => {
    const owner = await createUser(setup.app);

    const result = await signInThroughProvider(
      setup.app,
      setup.providerId,
      attackerAtProvider(),
      stolen(owner.token),
      '?link=1',
    );

    expect(result.error).toBe('reauthentication_required');
    expect(await identitiesOf(owner.token)).toEqual([]);
    const events = await securityEventRowsOf(setup.app, owner.id);
    expect(events.map((event) => event.type)).not.toContain('IDENTITY_LINKED');
  });

  it('links after a proof, and mails the owner which way in was added, from where, with "This wasn\'t me"', async () => {
    const owner = await createUser(setup.app);
    await reauthenticate(setup.app, owner, owner.token);

    const result = await signInThroughProvider(
      setup.app,
      setup.providerId,
      attackerAtProvider(),
      stolen(owner.token),
      '?link=1',
    );
    await deliver();

    expect(result.error).toBeNull();
    const [mail] = await catcher.waitFor(owner.email, 1, ADDED);
    expect(mail.text).toContain('sign-in with Test ID');
    expect(new URL(mail.link ?? '').pathname).toBe('/not-me');
  });

  it('after "This wasn\'t me" and a reset, the planted identity no longer reaches the account', async () => {
    const owner: TestUser = await createUser(setup.app);
    const attacker = attackerAtProvider();
    await reauthenticate(setup.app, owner, owner.token);
    await signInThroughProvider(setup.app, setup.providerId, attacker, stolen(owner.token), '?link=1');
    // Planted: the attacker's provider sign-in lands in the owner's account.
    const planted = await signInThroughProvider(setup.app, setup.providerId, attacker);
    expect(await meId(planted.sessionToken)).toBe(owner.id);
    await deliver();
    const [added] = await catcher.waitFor(owner.email, 1, ADDED);

    const reported = await setup.app.gql(REPORT, { token: tokenOf(added.link) });
    expect(reported.data).toEqual({ reportUnrecognizedSignIn: true });
    expect(await meId(planted.sessionToken)).toBeNull();
    await deliver();
    const [reset] = await catcher.waitFor(owner.email, 1, RESET);
    const newPassword = 'an owner-chosen passphrase';
    const afterReset = await setup.app.gql<{ resetPassword: { token: string } }>(RESET_PASSWORD, {
      input: { token: tokenOf(reset.link), newPassword },
    });
    expect(afterReset.errors).toBeUndefined();

    const again = await signInThroughProvider(setup.app, setup.providerId, attacker);
    expect(await meId(again.sessionToken)).not.toBe(owner.id);
    expect(await identitiesOf(afterReset.data!.resetPassword.token)).toEqual([]);
    const types = (await securityEventRowsOf(setup.app, owner.id)).map((event) => event.type);
    expect(types).toContain('IDENTITY_UNLINKED');
  });

  it('keeps a locked account locked for provider sign-ins too', async () => {
    const owner = await createUser(setup.app);
    const own = attackerAtProvider();
    await reauthenticate(setup.app, owner, owner.token);
    await signInThroughProvider(setup.app, setup.providerId, own, stolen(owner.token), '?link=1');
    // Locked as "This wasn't me" locks (the report itself also removes the identities).
    await setup.app.sql('UPDATE users SET password_reset_required = true WHERE id = $1', [owner.id]);
    const [{ count: before }] = await setup.app.sql<{ count: string }>(
      'SELECT count(*) FROM sessions WHERE user_id = $1',
      [owner.id],
    );

    const result = await signInThroughProvider(setup.app, setup.providerId, own);

    expect(result.error).toBe('password_reset_required');
    expect(result.sessionToken).toBeUndefined();
    const [{ count: after }] = await setup.app.sql<{ count: string }>(
      'SELECT count(*) FROM sessions WHERE user_id = $1',
      [owner.id],
    );
    expect(after).toBe(before);
  });

  it('mails the new-sign-in alert for a provider sign-in from a device the account has not used', async () => {
    const owner = await createUser(setup.app, { userAgent: USER_AGENTS.chromeOnMac });
    const own = attackerAtProvider();
    await reauthenticate(setup.app, owner, owner.token);
    await signInThroughProvider(setup.app, setup.providerId, own, stolen(owner.token), '?link=1');

    // The test browser sends no Chrome-on-Mac user agent: another device.
    const signedIn = await signInThroughProvider(setup.app, setup.providerId, own);
    await deliver();

    expect(await meId(signedIn.sessionToken)).toBe(owner.id);
    const [alert] = await catcher.waitFor(owner.email, 1, NEW_SIGN_IN);
    expect(new URL(alert.link ?? '').pathname).toBe('/not-me');
  });

  it('mails the owner when a way in is removed', async () => {
    const owner = await createUser(setup.app);
    await reauthenticate(setup.app, owner, owner.token);
    await signInThroughProvider(
      setup.app,
      setup.providerId,
      attackerAtProvider(),
      stolen(owner.token),
      '?link=1',
    );
    const [identity] = (await identitiesOf(owner.token))!;

    const response = await setup.app.gql(UNLINK, { id: identity.id }, { cookie: owner.token });
    await deliver();

    expect(response.errors).toBeUndefined();
    const [mail] = await catcher.waitFor(owner.email, 1, REMOVED);
    expect(mail.text).toContain('sign-in with Test ID');
  });
});
