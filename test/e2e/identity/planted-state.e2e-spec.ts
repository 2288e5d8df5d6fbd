import { createUser, reauthenticate, uniqueEmail } from '../../support/factories.js';
import { CookieJar, signInAtProvider, visitCallback } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider } from '../../support/oidc-test-app.js';

/**
 * Third security pass, finding 4: the OIDC state cookie planted in another
 * browser. The attacker starts a link to their own account, then makes the
 * victim's browser carry that (validly signed) state to the callback after the
 * victim signs in at the provider: without a binding, the victim's identity
 * lands on the attacker's account, a way in to whatever the victim does there.
 * A link or step-up now finishes only in the browser still signed in with the
 * session that started it. (In production the cookie is also `__Host-`, which
 * a sibling subdomain cannot set: src/identity/state-cookie.spec.ts.)
 */
describe('a link flow finished in a browser that did not start it', () => {
  let setup: OidcTestSetup;

  beforeAll(async () => {
    setup = await startAppWithProvider({ env: { LOG_LEVEL: 'error' } });
  });

  afterAll(async () => {
    await setup?.app.close();
    await setup?.provider.close();
  });

  function browserWith(token: string): CookieJar {
    const jar = new CookieJar();
    jar.set(setup.app.url, 'session', token);
    return jar;
  }

  async function identityCount(userId: string): Promise<number> {
    const [{ count }] = await setup.app.sql<{ count: string }>(
      'SELECT count(*) FROM user_identities WHERE user_id = $1',
      [userId],
    );
    return Number(count);
  }

  it("is refused, and attaches the victim's identity to no account", async () => {
    const attacker = await createUser(setup.app);
    await reauthenticate(setup.app, attacker, attacker.token);
    const victim = await createUser(setup.app);
    const victimAtProvider = {
      subject: `victim-${Math.random().toString(36).slice(2)}`,
      email: uniqueEmail(),
    };
    const attackerBrowser = browserWith(attacker.token);
    const reached = await signInAtProvider(
      setup.app,
      setup.providerId,
      victimAtProvider,
      attackerBrowser,
      '?link=1',
    );
    if ('refusedWith' in reached) throw new Error(`the link did not start: ${reached.refusedWith}`);
    const victimBrowser = browserWith(victim.token);
    victimBrowser.set(setup.app.url, 'oidc_state', attackerBrowser.get(setup.app.url, 'oidc_state')!);

    const { location } = await visitCallback(victimBrowser, reached.callbackUrl);

    expect(new URL(location).searchParams.get('oidc_error')).toBe('sign_in_failed');
    expect(await identityCount(attacker.id)).toBe(0);
    const [{ count }] = await setup.app.sql<{ count: string }>(
      'SELECT count(*) FROM user_identities WHERE subject = $1',
      [victimAtProvider.subject],
    );
    expect(Number(count)).toBe(0);
  });

  it('still links in the browser that started it', async () => {
    const owner = await createUser(setup.app);
    await reauthenticate(setup.app, owner, owner.token);
    const browser = browserWith(owner.token);
    const person = { subject: `own-${Math.random().toString(36).slice(2)}`, email: uniqueEmail() };
    const reached = await signInAtProvider(setup.app, setup.providerId, person, browser, '?link=1');
    if ('refusedWith' in reached) throw new Error(`the link did not start: ${reached.refusedWith}`);

    const { location } = await visitCallback(browser, reached.callbackUrl);

    expect(new URL(location).searchParams.get('oidc_error')).toBeNull();
    expect(await identityCount(owner.id)).toBe(1);
  });
});
