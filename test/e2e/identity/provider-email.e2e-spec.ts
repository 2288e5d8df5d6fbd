import { uniqueEmail } from '../../support/factories.js';
import { signInThroughProvider } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider } from '../../support/oidc-test-app.js';

/**
 * Third security pass, findings 2 and 3: an account is made from a provider's
 * email only when the provider vouches for it (`email_verified: true`) and it
 * is one valid address, normalised as sign-up's. Anything else would let a
 * provider account squat a future user's address, or have the app mail a
 * bystander (a list of addresses, a CR/LF-injected header).
 */
describe("the provider's email, when a sign-in would make an account", () => {
  let setup: OidcTestSetup;

  beforeAll(async () => {
    setup = await startAppWithProvider({ env: { LOG_LEVEL: 'error' } });
  });

  afterEach(() => {
    setup.provider.tamperIdToken = null;
  });

  afterAll(async () => {
    await setup?.app.close();
    await setup?.provider.close();
  });

  const subject = (): string => `sub-${Math.random().toString(36).slice(2)}`;

  async function usersCount(): Promise<number> {
    const [{ count }] = await setup.app.sql<{ count: string }>('SELECT count(*) FROM users');
    return Number(count);
  }

  /** Signs in with the ID token carrying exactly these email claims. */
  async function signInClaiming(claims: { email: string; email_verified?: unknown }) {
    setup.provider.tamperIdToken = (idToken) => {
      const doctored: Record<string, unknown> = { ...idToken, ...claims };
      if (!('email_verified' in claims)) delete doctored.email_verified;
      return doctored;
    };
    return signInThroughProvider(setup.app, setup.providerId, { subject: subject(), email: claims.email });
  }

  it('refuses an address the provider says it has not verified, and makes no account', async () => {
    const email = uniqueEmail();
    const before = await usersCount();

    const result = await signInClaiming({ email, email_verified: false });

    expect(result.error).toBe('email_unverified');
    expect(result.sessionToken).toBeUndefined();
    expect(await usersCount()).toBe(before);
  });

  it('refuses an address sent without email_verified by a provider not configured to be trusted', async () => {
    const before = await usersCount();

    const result = await signInClaiming({ email: uniqueEmail() });

    expect(result.error).toBe('email_unverified');
    expect(await usersCount()).toBe(before);
  });

  it.each([
    ['a list of addresses', 'victim@example.com, attacker@example.com'],
    ['a CR/LF-injected header', 'victim@example.com\r\nBcc: bystander@example.com'],
    ['a trailing dot', 'victim@example.com.'],
    ['no address at all', 'not an email'],
    ['more than 254 characters', `${'a'.repeat(250)}@example.com`],
  ])('refuses %s and makes no account', async (_what, email) => {
    const before = await usersCount();

    const result = await signInClaiming({ email, email_verified: true });

    expect(result.error).toBe('email_unverified');
    expect(await usersCount()).toBe(before);
  });

  it("stores a verified address in sign-up's normal form", async () => {
    const local = `Mixed.Case-${Math.random().toString(36).slice(2)}`;

    const result = await signInClaiming({ email: `  ${local}@Example.COM `, email_verified: true });

    expect(result.error).toBeNull();
    const rows = await setup.app.sql<{ email: string }>('SELECT email FROM users WHERE email = $1', [
      `${local.toLowerCase()}@example.com`,
    ]);
    expect(rows).toHaveLength(1);
  });
});
