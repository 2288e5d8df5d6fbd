import { randomUUID } from 'node:crypto';

import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { screenshot } from './support/browser.js';
import { ExampleStack } from './support/example-stack.js';

const LAPTOP =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const PASSWORD = 'correct horse battery staple';

/**
 * The laptop's platform authenticator, played by Chromium's virtual one
 * (DevTools' WebAuthn domain): it keeps discoverable credentials, verifies
 * the user and answers at once, as a fingerprint reader would after a touch.
 * `withoutPasskeys` takes its credentials away for a while, as a person who
 * closes the prompt offers none.
 */
async function virtualAuthenticator(page: Page) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const credentials = async () =>
    (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  return {
    credentials,
    async withoutPasskeys(action: () => Promise<void>): Promise<void> {
      const kept = await credentials();
      await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
      try {
        await action();
      } finally {
        for (const credential of kept)
          await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
      }
    },
  };
}

/**
 * Passkeys in the example client, in a real Chromium with a virtual
 * authenticator. The site is served from http://localhost (a secure context)
 * and the API's relying party is `localhost`, as WebAuthn requires.
 */
describe('passkeys in a real browser', () => {
  let stack: ExampleStack;

  beforeAll(async () => {
    stack = await ExampleStack.start({
      name: 'passkeys',
      oidc: true,
      env: (site) => ({ WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: site.origin }),
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function device(userAgent: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await stack.browser.newContext({ userAgent, viewport: { width: 900, height: 1200 } });
    const page = await context.newPage();
    await page.goto(stack.site.origin);
    return { context, page };
  }

  async function submitPassword(page: Page, email: string, mode: 'sign-in' | 'sign-up'): Promise<void> {
    if (mode === 'sign-up') await page.getByRole('button', { name: 'Create one' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page
      .getByRole('button', { name: mode === 'sign-up' ? 'Create account' : 'Sign in', exact: true })
      .click();
  }

  async function signOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
  }

  const card = (page: Page) => page.getByRole('region', { name: 'Passkeys' });
  const passkeyList = (page: Page) => card(page).getByTestId('passkey');
  const secondStep = (page: Page) => page.getByRole('form', { name: 'Two-factor authentication' });
  const twoFactorStatus = (page: Page) =>
    page.getByRole('region', { name: 'Two-factor authentication' }).getByTestId('two-factor-status');
  const thisDevice = (page: Page) => page.getByTestId('session').filter({ hasText: 'This device' });

  /** At the test provider's login page: who the person is there. */
  async function loginAtProvider(page: Page, subject: string, email: string): Promise<void> {
    await page.getByRole('heading', { name: 'Test provider' }).waitFor();
    await page.getByLabel('Subject').fill(subject);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** As if the sudo window had closed: every session of the user proved who it is an hour ago. */
  async function outliveSudoWindow(email: string): Promise<void> {
    await stack.server.app.get(DataSource).query(
      `UPDATE sessions s SET authenticated_at = authenticated_at - interval '1 hour'
         FROM users u WHERE u.id = s.user_id AND u.email = $1`,
      [email],
    );
  }

  it('adds a passkey, signs in with it alone, completes a password sign-in with it, confirms a step-up with it, and removes it', async () => {
    const email = `grace-${randomUUID().slice(0, 8)}@example.com`;
    const laptop = await device(LAPTOP);
    const authenticator = await virtualAuthenticator(laptop.page);
    await submitPassword(laptop.page, email, 'sign-up');
    await laptop.page.getByText('This is your only session').waitFor();
    const phone = await device(PHONE);
    await submitPassword(phone.page, email, 'sign-in');
    await laptop.page.getByText('Signed in on 2 devices').waitFor();
    await card(laptop.page).getByRole('button', { name: 'Add a passkey' }).waitFor();
    expect(await passkeyList(laptop.page).count()).toBe(0);

    // Adding a way in needs the password first (the sign-up's own proof does not count); then the
    // browser makes the passkey, named as asked. The first second factor turns two-factor on,
    // which signs the phone out.
    await card(laptop.page).getByRole('button', { name: 'Add a passkey' }).click();
    await card(laptop.page).getByLabel('Name for this passkey').fill('Laptop');
    await card(laptop.page).getByRole('button', { name: 'Create passkey' }).click();
    const prompt = laptop.page.getByRole('dialog', { name: 'Confirm your password' });
    await prompt.getByLabel('Password').fill(PASSWORD);
    await prompt.getByRole('button', { name: 'Confirm' }).click();
    await passkeyList(laptop.page).filter({ hasText: 'Laptop' }).waitFor();
    expect(await passkeyList(laptop.page).count()).toBe(1);
    expect(await passkeyList(laptop.page).textContent()).toMatch(/Not used yet/);
    await card(laptop.page)
      .getByRole('status')
      .filter({ hasText: 'Two-factor authentication is on' })
      .waitFor();
    await twoFactorStatus(laptop.page).filter({ hasText: /^On\./ }).waitFor();
    await laptop.page.getByText('This is your only session').waitFor();
    await phone.page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await authenticator.credentials()).toHaveLength(1);
    await screenshot(laptop.page, 'passkeys-01-added');

    // No recovery codes yet: the card suggests saving some.
    await card(laptop.page).getByTestId('no-recovery-codes').waitFor();
    await card(laptop.page).getByRole('button', { name: 'Get recovery codes' }).click();
    const recoveryCodeList = card(laptop.page).getByTestId('recovery-codes').getByRole('listitem');
    await recoveryCodeList.first().waitFor();
    const recoveryCodes = await recoveryCodeList.allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await card(laptop.page).getByRole('button', { name: 'I have saved them' }).click();
    expect(await card(laptop.page).getByTestId('no-recovery-codes').count()).toBe(0);

    // Renamed in place.
    await passkeyList(laptop.page).getByRole('button', { name: 'Rename' }).click();
    await passkeyList(laptop.page).getByLabel('New name').fill('Work laptop');
    await passkeyList(laptop.page).getByRole('button', { name: 'Save' }).click();
    await passkeyList(laptop.page).getByTestId('passkey-name').filter({ hasText: 'Work laptop' }).waitFor();

    // Sign in with the passkey alone: no email typed, the browser offers the passkey.
    await signOut(laptop.page);
    await laptop.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await laptop.page.getByText(`Signed in as ${email}`).waitFor();
    await thisDevice(laptop.page)
      .filter({ hasText: /Signed in with passkey$/ })
      .waitFor();
    await passkeyList(laptop.page).filter({ hasText: 'Last used' }).waitFor();
    // The activity list says how: the sign-in's event carries its method.
    await laptop.page
      .getByTestId('security-event')
      .filter({ hasText: 'Signed in with a passkey' })
      .first()
      .waitFor();
    await screenshot(laptop.page, 'passkeys-02-signed-in-with-a-passkey');

    // A prompt closed with no passkey chosen is no error: the page says so calmly, nothing changes.
    await signOut(laptop.page);
    await authenticator.withoutPasskeys(async () => {
      await laptop.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await laptop.page
        .getByRole('status')
        .filter({ hasText: 'The passkey prompt closed without a passkey' })
        .waitFor({ timeout: 30_000 });
    });
    await screenshot(laptop.page, 'passkeys-03-prompt-closed');

    // A password sign-in asks for the second factor, which the passkey gives.
    await submitPassword(laptop.page, email, 'sign-in');
    await secondStep(laptop.page).getByRole('button', { name: 'Use a passkey' }).click();
    await thisDevice(laptop.page).filter({ hasText: 'Signed in with password + passkey' }).waitFor();
    await screenshot(laptop.page, 'passkeys-04-password-and-passkey');

    // The phone signs in with a recovery code; outside the sudo window, signing it out asks who
    // the laptop is, and the passkey answers.
    await submitPassword(phone.page, email, 'sign-in');
    await secondStep(phone.page).getByRole('button', { name: 'Use a recovery code instead' }).click();
    await secondStep(phone.page).getByRole('textbox').fill(recoveryCodes[0]);
    await secondStep(phone.page).getByRole('button', { name: 'Verify' }).click();
    await laptop.page.getByText('Signed in on 2 devices').waitFor();
    await outliveSudoWindow(email);
    await laptop.page.getByRole('button', { name: 'Sign out of 1 other session' }).click();
    await laptop.page.getByRole('button', { name: 'Are you sure?' }).click();
    const stepUp = laptop.page.getByRole('dialog', { name: 'Confirm your password' });
    await stepUp.getByRole('button', { name: 'Use a passkey' }).waitFor();
    await screenshot(laptop.page, 'passkeys-05-step-up-offers-the-passkey');
    await stepUp.getByRole('button', { name: 'Use a passkey' }).click();
    await laptop.page.getByText('This is your only session').waitFor();
    await phone.page.getByRole('form', { name: 'Sign in' }).waitFor();

    // Removing it needs the sudo window again: the passkey confirms its own removal.
    await outliveSudoWindow(email);
    await passkeyList(laptop.page).getByRole('button', { name: 'Remove' }).click();
    await passkeyList(laptop.page).getByRole('button', { name: 'Are you sure?' }).click();
    await laptop.page
      .getByRole('dialog', { name: 'Confirm your password' })
      .getByRole('button', { name: 'Use a passkey' })
      .click();
    await card(laptop.page).getByRole('status').filter({ hasText: '“Work laptop” was removed.' }).waitFor();
    expect(await passkeyList(laptop.page).count()).toBe(0);
    // It was the last second factor: two-factor is off again.
    await twoFactorStatus(laptop.page)
      .filter({ hasText: /^Off\./ })
      .waitFor();
    await screenshot(laptop.page, 'passkeys-06-removed');

    // Gone from the account: the browser still holds the credential, but it signs in no more.
    await signOut(laptop.page);
    await laptop.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await laptop.page.getByRole('form', { name: 'Sign in' }).getByRole('alert').waitFor();
    expect(await laptop.page.getByText(`Signed in as ${email}`).count()).toBe(0);

    for (const { context } of [laptop, phone]) await context.close();
  }, 240_000);

  it('completes a provider sign-in on the /two-factor page with the passkey', async () => {
    const email = `lin-${randomUUID().slice(0, 8)}@example.com`;
    const subject = `person-${randomUUID()}`;
    const laptop = await device(LAPTOP);
    await virtualAuthenticator(laptop.page);
    await laptop.page.getByRole('link', { name: 'Sign in with Test ID' }).click();
    await loginAtProvider(laptop.page, subject, email);
    await laptop.page.getByText('This is your only session').waitFor();

    // No password to confirm: adding a passkey asks for a fresh sign-in at the provider, then goes on.
    await card(laptop.page).getByRole('button', { name: 'Add a passkey' }).click();
    await card(laptop.page).getByRole('button', { name: 'Create passkey' }).click();
    await card(laptop.page).getByRole('link', { name: 'Confirm with Test ID' }).click();
    await loginAtProvider(laptop.page, subject, email);
    await card(laptop.page).getByRole('button', { name: 'Add a passkey' }).click();
    await card(laptop.page).getByLabel('Name for this passkey').fill('Laptop');
    await card(laptop.page).getByRole('button', { name: 'Create passkey' }).click();
    await passkeyList(laptop.page).filter({ hasText: 'Laptop' }).waitFor();
    await twoFactorStatus(laptop.page).filter({ hasText: /^On\./ }).waitFor();
    await signOut(laptop.page);

    // The provider vouches at once (its own session); the API sends the browser to /two-factor,
    // which does not know the methods and offers the passkey among them.
    await laptop.page.getByRole('link', { name: 'Sign in with Test ID' }).click();
    await secondStep(laptop.page).waitFor();
    expect(new URL(laptop.page.url()).pathname).toBe('/two-factor');
    await screenshot(laptop.page, 'passkeys-07-provider-second-step');
    await secondStep(laptop.page).getByRole('button', { name: 'Use a passkey' }).click();
    await thisDevice(laptop.page).filter({ hasText: 'Signed in with Test ID + passkey' }).waitFor();
    expect(new URL(laptop.page.url()).pathname).toBe('/');

    await laptop.context.close();
  }, 120_000);
});
