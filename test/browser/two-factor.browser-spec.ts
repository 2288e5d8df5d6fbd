import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import type { RunningServer } from '../../src/server.js';
import { untilSubscribed } from '../support/live-client.js';
import type { MailCatcher } from '../support/mail-catcher.js';
import { sessionIdOf } from '../support/session-rows.js';
import { screenshot } from './support/browser.js';
import type { StaticSite } from './support/client-build.js';
import { ExampleStack } from './support/example-stack.js';

const LAPTOP =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const PASSWORD = 'correct horse battery staple';
const TIME_STEP_MS = 30_000;

/**
 * The authenticator app the test holds: a code from a time step not used yet.
 * The server accepts each step once, and never one older than the last it
 * accepted, so between two codes the app waits for the next step, as a person
 * waits for the next code.
 */
function authenticatorApp(secret: string) {
  let lastStep = -1;
  return {
    async nextCode(): Promise<string> {
      let step = Math.floor(Date.now() / TIME_STEP_MS);
      if (step <= lastStep) {
        await sleep((lastStep + 1) * TIME_STEP_MS - Date.now());
        step = lastStep + 1;
      }
      lastStep = step;
      return generate({ secret, epoch: (step * TIME_STEP_MS) / 1000 });
    },
    /** Six digits that are none of the codes the server would accept now (it allows a step either side). */
    async wrongCode(): Promise<string> {
      const now = Math.floor(Date.now() / TIME_STEP_MS);
      const current = await Promise.all(
        [now - 1, now, now + 1, now + 2].map((step) =>
          generate({ secret, epoch: (step * TIME_STEP_MS) / 1000 }),
        ),
      );
      return ['000000', '111111', '222222', '333333', '444444'].find((code) => !current.includes(code))!;
    },
  };
}

/**
 * Two-factor authentication in the example client, in a real Chromium: the
 * security page's card turns it on (the code computed from the key the page
 * shows), another device is signed out live, sign-in asks for a code, a wrong
 * one says so, a recovery code works once, and the card turns it off; a
 * provider sign-in (the /two-factor page) and a password reset ask for it too.
 */
describe('two-factor authentication in a real browser', () => {
  let stack: ExampleStack;
  let site: StaticSite;
  let server: RunningServer;
  let browser: Browser;
  let catcher: MailCatcher;

  beforeAll(async () => {
    stack = await ExampleStack.start({ name: 'two-factor', mail: true, oidc: true });
    ({ site, server, browser, catcher } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function device(userAgent: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ userAgent, viewport: { width: 900, height: 1000 } });
    const page = await context.newPage();
    await page.goto(site.origin);
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

  /** The sign-in's second step, once the password was right. */
  const secondStep = (page: Page) => page.getByRole('form', { name: 'Two-factor authentication' });
  const card = (page: Page) => page.getByRole('region', { name: 'Two-factor authentication' });
  /** The recovery codes the card shows, once, after they were made. */
  const recoveryCodeList = (page: Page) => card(page).getByTestId('recovery-codes').getByRole('listitem');
  const thisDevice = (page: Page) => page.getByTestId('session').filter({ hasText: 'This device' });

  async function signOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
  }

  async function enterCode(page: Page, code: string): Promise<void> {
    await secondStep(page).getByRole('textbox').fill(code);
    await secondStep(page).getByRole('button', { name: 'Verify' }).click();
  }

  /** At the test provider's login page: who the person is there. */
  async function loginAtProvider(page: Page, subject: string, email: string): Promise<void> {
    await page.getByRole('heading', { name: 'Test provider' }).waitFor();
    await page.getByLabel('Subject').fill(subject);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /**
   * "Set up an authenticator app" once the proof it needs was given: the key
   * the page shows becomes the test's app, whose first code turns it on. The
   * recovery codes are on the page when it returns.
   */
  async function setUpAuthenticatorApp(
    page: Page,
    screenshotName: string,
  ): Promise<{ app: ReturnType<typeof authenticatorApp>; recoveryCodes: string[] }> {
    const qrCode = card(page).getByRole('img', { name: 'QR code for your authenticator app' });
    await qrCode.waitFor();
    // The QR code is a picture the browser could draw, not a broken image.
    expect(await qrCode.evaluate((image: { naturalWidth: number }) => image.naturalWidth)).toBeGreaterThan(0);
    const secret = ((await card(page).getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await screenshot(page, screenshotName);
    const app = authenticatorApp(secret);
    await card(page)
      .getByLabel('Code from the app')
      .fill(await app.nextCode());
    await card(page).getByRole('button', { name: 'Turn on' }).click();
    await recoveryCodeList(page).first().waitFor();
    return { app, recoveryCodes: await recoveryCodeList(page).allTextContents() };
  }

  async function sessionOf(context: BrowserContext): Promise<string> {
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'session');
    if (!cookie) throw new Error('the browser holds no session cookie');
    return sessionIdOf(cookie.value);
  }

  /** As if the sudo window had closed: every session of the user proved who it is an hour ago. */
  async function outliveSudoWindow(email: string): Promise<void> {
    await server.app.get(DataSource).query(
      `UPDATE sessions s SET authenticated_at = authenticated_at - interval '1 hour'
         FROM users u WHERE u.id = s.user_id AND u.email = $1`,
      [email],
    );
  }

  async function sessionCountOf(email: string): Promise<number> {
    const [row] = await server.app
      .get(DataSource)
      .query<{ count: string }[]>(
        'SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.expires_at > now()',
        [email],
      );
    return Number(row.count);
  }

  it('turns it on from the security page, signs the other device out live, asks for a code at sign-in, takes a recovery code once, and turns it off', async () => {
    const email = `ada-${randomUUID().slice(0, 8)}@example.com`;
    const laptop = await device(LAPTOP);
    await laptop.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: site.origin,
    });
    await submitPassword(laptop.page, email, 'sign-up');
    await laptop.page.getByText('This is your only session').waitFor();
    const phone = await device(PHONE);
    await submitPassword(phone.page, email, 'sign-in');
    await phone.page.getByText('Signed in on 2 devices').waitFor();
    // The phone is listening before anything happens: a dead socket would also leave it untouched.
    await untilSubscribed(server.app, await sessionOf(phone.context), 2);
    await expect(card(laptop.page).getByTestId('two-factor-status').textContent()).resolves.toMatch(/^Off\./);

    // Setting up adds a way in: the password first (the sign-up's own proof does not count).
    await card(laptop.page).getByRole('button', { name: 'Set up an authenticator app' }).click();
    const prompt = laptop.page.getByRole('dialog', { name: 'Confirm your password' });
    await prompt.getByLabel('Password').fill(PASSWORD);
    await prompt.getByRole('button', { name: 'Confirm' }).click();
    const { app, recoveryCodes } = await setUpAuthenticatorApp(laptop.page, 'two-factor-01-set-up');

    // Ten recovery codes, shown once, to copy or download.
    expect(recoveryCodes).toHaveLength(10);
    await card(laptop.page)
      .getByRole('status')
      .filter({ hasText: '1 other session was signed out' })
      .waitFor();
    await card(laptop.page).getByRole('button', { name: 'Copy' }).click();
    await card(laptop.page).getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    const copied = await laptop.page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied.trim().split('\n')).toEqual(recoveryCodes);
    const [download] = await Promise.all([
      laptop.page.waitForEvent('download'),
      card(laptop.page).getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('recovery-codes.txt');
    const downloaded = await readFile(await download.path(), 'utf8');
    expect(downloaded.trim().split('\n')).toEqual(recoveryCodes);
    await screenshot(laptop.page, 'two-factor-02-recovery-codes');

    // The phone had proved one factor only: its page leaves the account by itself, and says why.
    await phone.page.getByRole('form', { name: 'Sign in' }).waitFor({ timeout: 5_000 });
    expect(await phone.page.getByRole('status').textContent()).toMatch(
      /Two-factor authentication was turned on/,
    );
    expect(await phone.page.getByText(email).count()).toBe(0);
    await screenshot(phone.page, 'two-factor-03-phone-signed-out');
    await laptop.page.getByText('This is your only session').waitFor();
    expect(await sessionCountOf(email)).toBe(1);

    await card(laptop.page).getByRole('button', { name: 'I have saved them' }).click();
    await expect(card(laptop.page).getByTestId('two-factor-status').textContent()).resolves.toMatch(/^On\./);
    expect(await card(laptop.page).getByTestId('recovery-codes-remaining').textContent()).toBe(
      '10 recovery codes left',
    );
    // Nothing shows the codes again.
    expect(await laptop.page.getByText(recoveryCodes[0]).count()).toBe(0);

    // Sign out and back in: the password alone opens no session; a wrong code says so.
    await signOut(laptop.page);
    await submitPassword(laptop.page, email, 'sign-in');
    await secondStep(laptop.page).waitFor();
    expect(await sessionCountOf(email)).toBe(0);
    await enterCode(laptop.page, await app.wrongCode());
    await secondStep(laptop.page)
      .getByRole('alert')
      .filter({ hasText: 'This code is not right, or was already used.' })
      .waitFor();
    expect(await sessionCountOf(email)).toBe(0);
    await screenshot(laptop.page, 'two-factor-04-wrong-code');
    await enterCode(laptop.page, await app.nextCode());
    await thisDevice(laptop.page)
      .filter({ hasText: 'Signed in with password + authenticator app' })
      .waitFor();
    expect(await sessionCountOf(email)).toBe(1);
    await screenshot(laptop.page, 'two-factor-05-signed-in-with-a-code');

    // A lost phone: a recovery code signs in, once.
    await signOut(laptop.page);
    await submitPassword(laptop.page, email, 'sign-in');
    await secondStep(laptop.page).getByRole('button', { name: 'Use a recovery code instead' }).click();
    await enterCode(laptop.page, recoveryCodes[0]);
    await thisDevice(laptop.page).filter({ hasText: 'Signed in with password + recovery code' }).waitFor();
    expect(await card(laptop.page).getByTestId('recovery-codes-remaining').textContent()).toBe(
      '9 recovery codes left',
    );
    await signOut(laptop.page);
    await submitPassword(laptop.page, email, 'sign-in');
    await secondStep(laptop.page).getByRole('button', { name: 'Use a recovery code instead' }).click();
    await enterCode(laptop.page, recoveryCodes[0]);
    await secondStep(laptop.page)
      .getByRole('alert')
      .filter({ hasText: 'This code is not right, or was already used.' })
      .waitFor();
    expect(await sessionCountOf(email)).toBe(0);
    await screenshot(laptop.page, 'two-factor-06-recovery-code-used-twice');

    // A pending sign-in that lapsed cannot be completed: the page offers to start over.
    await server.app
      .get(DataSource)
      .query(
        `UPDATE sign_in_challenges c SET expires_at = now() FROM users u WHERE u.id = c.user_id AND u.email = $1`,
        [email],
      );
    await enterCode(laptop.page, recoveryCodes[1]);
    await secondStep(laptop.page).getByRole('alert').filter({ hasText: 'sign in again' }).waitFor();
    expect(await secondStep(laptop.page).getByRole('textbox').count()).toBe(0);
    await screenshot(laptop.page, 'two-factor-07-start-over');
    await secondStep(laptop.page).getByRole('button', { name: 'Start over' }).click();
    await submitPassword(laptop.page, email, 'sign-in');
    await secondStep(laptop.page).getByRole('button', { name: 'Use a recovery code instead' }).click();
    await enterCode(laptop.page, recoveryCodes[1]);
    await thisDevice(laptop.page).filter({ hasText: 'Signed in with password + recovery code' }).waitFor();
    expect(await card(laptop.page).getByTestId('recovery-codes-remaining').textContent()).toBe(
      '8 recovery codes left',
    );

    // New recovery codes need the sudo window: outside it the page asks who it is, and
    // a code from the app does instead of the password. Ten again, and the old ones stop working.
    await outliveSudoWindow(email);
    await card(laptop.page).getByRole('button', { name: 'Get new recovery codes' }).click();
    await card(laptop.page).getByRole('button', { name: 'Are you sure?' }).click();
    await laptop.page
      .getByRole('dialog', { name: 'Confirm your password' })
      .getByRole('button', { name: 'Use your authenticator app instead' })
      .click();
    const codePrompt = laptop.page.getByRole('dialog', { name: 'Confirm with a code' });
    await codePrompt.getByLabel('Code from your authenticator app').fill(await app.nextCode());
    await codePrompt.getByRole('button', { name: 'Confirm' }).click();
    await recoveryCodeList(laptop.page).first().waitFor();
    const newCodes = await recoveryCodeList(laptop.page).allTextContents();
    expect(newCodes).toHaveLength(10);
    expect(newCodes.filter((code) => recoveryCodes.includes(code))).toEqual([]);
    await screenshot(laptop.page, 'two-factor-08-new-recovery-codes');
    await card(laptop.page).getByRole('button', { name: 'I have saved them' }).click();
    expect(await card(laptop.page).getByTestId('recovery-codes-remaining').textContent()).toBe(
      '10 recovery codes left',
    );
    await signOut(laptop.page);
    await submitPassword(laptop.page, email, 'sign-in');
    await secondStep(laptop.page).getByRole('button', { name: 'Use a recovery code instead' }).click();
    await enterCode(laptop.page, recoveryCodes[2]);
    await secondStep(laptop.page)
      .getByRole('alert')
      .filter({ hasText: 'This code is not right, or was already used.' })
      .waitFor();
    await enterCode(laptop.page, newCodes[0]);
    await thisDevice(laptop.page).filter({ hasText: 'Signed in with password + recovery code' }).waitFor();
    expect(await card(laptop.page).getByTestId('recovery-codes-remaining').textContent()).toBe(
      '9 recovery codes left',
    );

    // Turning it off takes a current code; then the password alone signs in again.
    await card(laptop.page).getByRole('button', { name: 'Turn off' }).click();
    await card(laptop.page)
      .getByLabel('Code from your authenticator app')
      .fill(await app.nextCode());
    await card(laptop.page).getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await card(laptop.page)
      .getByRole('status')
      .filter({ hasText: 'Two-factor authentication is off.' })
      .waitFor();
    await expect(card(laptop.page).getByTestId('two-factor-status').textContent()).resolves.toMatch(/^Off\./);
    await screenshot(laptop.page, 'two-factor-09-off');
    await signOut(laptop.page);
    await submitPassword(laptop.page, email, 'sign-in');
    await thisDevice(laptop.page)
      .filter({ hasText: /Signed in with password$/ })
      .waitFor();
    expect(await secondStep(laptop.page).count()).toBe(0);

    for (const { context } of [laptop, phone]) await context.close();
  }, 240_000);

  it('asks for the code after a provider sign-in (the /two-factor page) and after a password reset link', async () => {
    const email = `lin-${randomUUID().slice(0, 8)}@example.com`;
    const subject = `person-${randomUUID()}`;
    const laptop = await device(LAPTOP);
    await laptop.page.getByRole('link', { name: 'Sign in with Test ID' }).click();
    await loginAtProvider(laptop.page, subject, email);
    await laptop.page.getByText('This is your only session').waitFor();

    // No password to confirm: setting up asks for a fresh sign-in at the provider, then goes on.
    await card(laptop.page).getByRole('button', { name: 'Set up an authenticator app' }).click();
    await card(laptop.page).getByRole('link', { name: 'Confirm with Test ID' }).click();
    await loginAtProvider(laptop.page, subject, email);
    await card(laptop.page).getByRole('button', { name: 'Set up an authenticator app' }).click();
    const { app, recoveryCodes } = await setUpAuthenticatorApp(laptop.page, 'two-factor-10-provider-set-up');
    await card(laptop.page).getByRole('button', { name: 'I have saved them' }).click();
    await card(laptop.page).getByTestId('recovery-codes-remaining').filter({ hasText: '10' }).waitFor();
    await signOut(laptop.page);

    // The provider still knows the person (its own session): it vouches at once, with no page of
    // its own. The API then sends the browser to /two-factor, with no session of ours yet.
    await laptop.page.getByRole('link', { name: 'Sign in with Test ID' }).click();
    await secondStep(laptop.page).waitFor();
    expect(new URL(laptop.page.url()).pathname).toBe('/two-factor');
    expect(await sessionCountOf(email)).toBe(0);
    await screenshot(laptop.page, 'two-factor-11-provider-second-step');
    await enterCode(laptop.page, await app.nextCode());
    await thisDevice(laptop.page).filter({ hasText: 'Signed in with Test ID + authenticator app' }).waitFor();
    expect(new URL(laptop.page.url()).pathname).toBe('/');
    expect(await sessionCountOf(email)).toBe(1);

    // A reset link sets nothing until the second factor: here a recovery code.
    const phone = await device(PHONE);
    await phone.page.getByRole('button', { name: 'Forgot password?' }).click();
    await phone.page.getByLabel('Email').fill(email);
    await phone.page.getByRole('button', { name: 'Email me a reset link' }).click();
    const [mail] = await catcher.waitFor(email, 1, 'Reset your password');
    await phone.page.goto(mail.link ?? '');
    await phone.page.getByLabel('New password', { exact: true }).fill(PASSWORD);
    await phone.page.getByRole('button', { name: 'Set password and sign in' }).click();
    await secondStep(phone.page).waitFor();
    // Nothing changed yet: the laptop is still signed in.
    expect(await sessionCountOf(email)).toBe(1);
    await secondStep(phone.page).getByRole('button', { name: 'Use a recovery code instead' }).click();
    await enterCode(phone.page, recoveryCodes[0]);
    await phone.page.getByText(`Signed in as ${email}`).waitFor();
    await thisDevice(phone.page).filter({ hasText: 'recovery code' }).waitFor();
    expect(new URL(phone.page.url()).pathname).toBe('/');
    await screenshot(phone.page, 'two-factor-12-reset-with-a-recovery-code');
    // The reset ended every other session, and two-factor stays on: the new password alone is not enough.
    await laptop.page.getByRole('form', { name: 'Sign in' }).waitFor();
    await submitPassword(laptop.page, email, 'sign-in');
    await secondStep(laptop.page).waitFor();

    for (const { context } of [laptop, phone]) await context.close();
  }, 240_000);
});
