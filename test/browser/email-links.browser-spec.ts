import { randomUUID } from 'node:crypto';

import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import type { RunningServer } from '../../src/server.js';
import { untilSubscribed } from '../support/live-client.js';
import type { MailCatcher } from '../support/mail-catcher.js';
import { screenshot } from './support/browser.js';
import type { StaticSite } from './support/client-build.js';
import { ExampleStack } from './support/example-stack.js';

// Two devices, told apart by browser and system (docs/email.md, "What a device is").
const MAC_CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const WINDOWS_FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const PASSWORD = 'correct horse battery staple';

/**
 * The pages an emailed link opens, in the example client, end to end: the
 * mail read from a real SMTP server this test starts, its link opened in the
 * browser, the page's button, and what the account page shows afterwards.
 * "Forgot password?", the address confirmation, and "This wasn't me".
 */
describe('email links in a real browser, with a real SMTP server', () => {
  let stack: ExampleStack;
  let site: StaticSite;
  let server: RunningServer;
  let browser: Browser;
  let catcher: MailCatcher;

  beforeAll(async () => {
    stack = await ExampleStack.start({ name: 'email-links', mail: true });
    ({ site, server, browser, catcher } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function newPage(userAgent?: string): Promise<Page> {
    const context = await browser.newContext({ userAgent, viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    await page.goto(site.origin);
    return page;
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

  async function signUpOrIn(page: Page, email: string, mode: 'sign-in' | 'sign-up'): Promise<void> {
    if (mode === 'sign-up') await page.getByRole('button', { name: 'Create one' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page
      .getByRole('button', { name: mode === 'sign-up' ? 'Create account' : 'Sign in', exact: true })
      .click();
  }

  /** Every mail ever queued for the address, sent or not. */
  async function queuedMailsTo(email: string): Promise<number> {
    const [row] = await server.app
      .get(DataSource)
      .query<{ count: string }[]>('SELECT count(*) FROM mail_outbox WHERE recipient = $1', [email]);
    return Number(row.count);
  }

  /** When the address was confirmed, and how many times that was recorded. */
  async function verificationOf(email: string): Promise<{ at: Date | null; events: number }> {
    const [row] = await server.app.get(DataSource).query<{ at: Date | null; events: string }[]>(
      `SELECT u.email_verified_at AS at,
              (SELECT count(*) FROM security_events e WHERE e.user_id = u.id AND e.type = 'EMAIL_VERIFIED') AS events
         FROM users u WHERE u.email = $1`,
      [email],
    );
    return { at: row.at, events: Number(row.events) };
  }

  /**
   * Until the page's session runs both live subscriptions on the server: an
   * event published before that would (rightly) not reach the page.
   */
  async function untilLive(email: string, userAgent: string): Promise<void> {
    const [session] = await server.app
      .get(DataSource)
      .query<{ id: string }[]>(
        'SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.user_agent = $2',
        [email, userAgent],
      );
    await untilSubscribed(server.app, session.id, 2);
  }

  it('mails a link from "Forgot password?", and the link sets a new password and signs in, ending the old session', async () => {
    const email = `grace-${randomUUID().slice(0, 8)}@example.com`;
    const laptop = await newPage();
    await laptop.getByRole('button', { name: 'Create one' }).click();
    await laptop.getByLabel('Email').fill(email);
    await laptop.getByLabel('Password').fill('correct horse battery staple');
    await laptop.getByRole('button', { name: 'Create account' }).click();
    await laptop.getByTestId('email-verified').filter({ hasText: 'not verified' }).waitFor();

    const phone = await newPage();
    await phone.getByRole('button', { name: 'Forgot password?' }).click();
    await phone.getByLabel('Email').fill(email);
    await phone.getByRole('button', { name: 'Email me a reset link' }).click();
    await phone.getByRole('status').filter({ hasText: 'a reset link is on its way' }).waitFor();
    await screenshot(phone, 'reset-01-requested');

    const [mail] = await catcher.waitFor(email, 1, 'Reset your password');
    expect(mail.link?.startsWith(`${site.origin}/reset-password?token=`)).toBe(true);
    await phone.goto(mail.link ?? '');
    await phone.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await phone.getByRole('button', { name: 'Set password and sign in' }).click();

    await phone.getByText(`Signed in as ${email}`).waitFor();
    await screenshot(phone, 'reset-02-signed-in');
    expect(await sessionCountOf(email)).toBe(1);
    await laptop.reload();
    await laptop.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  });

  it('confirms the address from the mailed link: the account then shows it verified, and a second use of the link changes nothing', async () => {
    const email = `ada-${randomUUID().slice(0, 8)}@example.com`;
    const page = await newPage();
    await signUpOrIn(page, email, 'sign-up');
    await page.getByTestId('email-verified').filter({ hasText: 'not verified' }).waitFor();
    await screenshot(page, 'verify-01-not-verified');

    const [mail] = await catcher.waitFor(email, 1, 'Confirm your email address');
    expect(mail.link?.startsWith(`${site.origin}/verify-email?token=`)).toBe(true);
    await page.goto(mail.link ?? '');
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('status').filter({ hasText: 'Your address is confirmed.' }).waitFor();
    await screenshot(page, 'verify-02-confirmed');

    await page.getByRole('button', { name: 'Go to my account' }).click();
    await page.getByTestId('email-verified').filter({ hasText: '(address verified)' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const verified = await verificationOf(email);
    expect(verified.at).not.toBeNull();
    expect(verified.events).toBe(1);

    // The same link again: a spent link, said as such; the account is as it was.
    await page.goto(mail.link ?? '');
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('alert').filter({ hasText: 'This link is invalid or has expired.' }).waitFor();
    expect(await page.getByText('Your address is confirmed.').count()).toBe(0);
    await screenshot(page, 'verify-03-link-spent');
    expect(await verificationOf(email)).toEqual(verified);
    await page.getByRole('button', { name: 'Go to my account' }).click();
    await page.getByTestId('email-verified').filter({ hasText: '(address verified)' }).waitFor();
    expect(await page.getByText(`Signed in as ${email}`).count()).toBe(1);
  });

  it('"This wasn\'t me" from the new-sign-in mail signs every device out live; the right password then asks for a reset, and the mailed reset link lets the owner back in', async () => {
    const email = `lin-${randomUUID().slice(0, 8)}@example.com`;
    const laptop = await newPage(MAC_CHROME);
    await signUpOrIn(laptop, email, 'sign-up');
    await laptop.getByText('Signed in on 1 device').waitFor();

    // Another browser on another system: a device the account has not used.
    const stranger = await newPage(WINDOWS_FIREFOX);
    await signUpOrIn(stranger, email, 'sign-in');
    await stranger.getByText('Signed in on 2 devices').waitFor();
    await laptop.getByText('Signed in on 2 devices').waitFor();
    const [alert] = await catcher.waitFor(email, 1, 'New sign-in to your account');
    expect(alert.text).toContain('Firefox on Windows');
    expect(alert.link?.startsWith(`${site.origin}/not-me?token=`)).toBe(true);
    await untilLive(email, MAC_CHROME);
    await untilLive(email, WINDOWS_FIREFOX);

    // The owner opens the mail somewhere else, signed in nowhere.
    const mailbox = await newPage();
    await mailbox.goto(alert.link ?? '');
    await screenshot(mailbox, 'not-me-01-page');
    await mailbox.getByRole('button', { name: 'Sign everyone out and lock my password' }).click();
    await mailbox
      .getByRole('status')
      .filter({ hasText: 'Every session of your account has ended' })
      .waitFor();
    await screenshot(mailbox, 'not-me-02-reported');

    // Both pages leave the account by themselves, and say why.
    for (const page of [laptop, stranger]) {
      await page.getByRole('form', { name: 'Sign in' }).waitFor();
      expect(await page.getByRole('status').textContent()).toMatch(/reported as not yours/);
      expect(await page.getByText(email).count()).toBe(0);
    }
    await screenshot(stranger, 'not-me-03-stranger-signed-out');
    expect(await sessionCountOf(email)).toBe(0);

    // The right password no longer opens the account: it asks for a reset.
    await laptop.getByLabel('Email').fill(email);
    await laptop.getByLabel('Password').fill(PASSWORD);
    await laptop.getByRole('button', { name: 'Sign in', exact: true }).click();
    await laptop.getByRole('alert').filter({ hasText: 'This password must be reset' }).waitFor();
    await screenshot(laptop, 'not-me-04-reset-required');
    expect(await sessionCountOf(email)).toBe(0);

    const [reset] = await catcher.waitFor(email, 1, 'Reset your password');
    expect(reset.link?.startsWith(`${site.origin}/reset-password?token=`)).toBe(true);
    await laptop.goto(reset.link ?? '');
    await laptop.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await laptop.getByRole('button', { name: 'Set password and sign in' }).click();
    await laptop.getByText(`Signed in as ${email}`).waitFor();
    await screenshot(laptop, 'not-me-05-new-password');
    expect(await sessionCountOf(email)).toBe(1);

    // The alert's link is spent: a second click ends nothing and mails nothing.
    const queued = await queuedMailsTo(email);
    await mailbox.goto(alert.link ?? '');
    await mailbox.getByRole('button', { name: 'Sign everyone out and lock my password' }).click();
    await mailbox.getByRole('alert').filter({ hasText: 'This link is invalid or has expired.' }).waitFor();
    expect(await sessionCountOf(email)).toBe(1);
    expect(await queuedMailsTo(email)).toBe(queued);
  });
});
