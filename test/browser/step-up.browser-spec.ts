import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { loadConfig } from '../../src/config/app-config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { launchChromium, recordOperations, screenshot } from './support/browser.js';
import { buildClient, serveStatic, type StaticSite } from './support/client-build.js';

const USER_AGENTS = {
  macChrome:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  windowsFirefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
};

// A short window, so "elapsed" is a small step back of the session's proof in the database.
const SUDO_MODE_SECONDS = 60;

/**
 * Step-up in the example client: ending other sessions asks for the password
 * only once the sudo window is over, in a dialog in the page, and the action
 * then goes through; the security activity list shows what happened.
 */
describe('step-up and the security activity in a real browser', () => {
  const dataDir = resolve('.data', `browser-step-up-${process.pid}`);
  const clientDir = resolve('test-output', 'browser', 'client-step-up');
  let site: StaticSite;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    site = await serveStatic(clientDir);
    server = await startServer(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        DATA_DIR: dataDir,
        CORS_ORIGINS: site.origin,
        SUDO_MODE_SECONDS: String(SUDO_MODE_SECONDS),
      }),
    );
    await buildClient(`${server.url}/graphql`, clientDir);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await site?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function device(userAgent: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ userAgent, viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    await page.goto(site.origin);
    return { context, page };
  }

  async function submitCredentials(page: Page, email: string, password: string, mode: 'sign-in' | 'sign-up') {
    if (mode === 'sign-up') await page.getByRole('button', { name: 'Create one' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page
      .getByRole('button', { name: mode === 'sign-up' ? 'Create account' : 'Sign in', exact: true })
      .click();
  }

  const database = () => server.app.get(DataSource);

  async function sessionCountOf(email: string): Promise<number> {
    const [row] = await database().query<{ count: string }[]>(
      'SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.expires_at > now()',
      [email],
    );
    return Number(row.count);
  }

  /** As if the window had run out: every session of the user proved its identity that long ago. */
  async function outliveWindow(email: string): Promise<void> {
    await database().query(
      `UPDATE sessions s SET authenticated_at = authenticated_at - $2 * interval '1 second'
         FROM users u WHERE u.id = s.user_id AND u.email = $1`,
      [email, SUDO_MODE_SECONDS + 1],
    );
  }

  /** Reloads the page and waits until it has shown the account and its activity. */
  async function reloaded(page: Page): Promise<void> {
    await page.reload();
    await page.getByTestId('security-event').first().waitFor();
  }

  async function signOutOthers(page: Page, others: number): Promise<void> {
    await page.getByRole('button', { name: `Sign out of ${others} other session` }).click();
    await page.getByRole('button', { name: 'Are you sure?' }).click();
  }

  it('asks for the password only outside the window, keeps the dialog on a wrong one, then completes; the activity list shows it all in order', async () => {
    const ada = {
      email: `ada-${randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery staple',
    };
    const laptop = await device(USER_AGENTS.macChrome);
    await submitCredentials(laptop.page, ada.email, ada.password, 'sign-up');
    await laptop.page.getByText('This is your only session').waitFor();
    const other = await device(USER_AGENTS.windowsFirefox);
    await submitCredentials(other.page, ada.email, ada.password, 'sign-in');
    await other.page.getByText('Signed in on 2 devices').waitFor();

    // Freshly signed in: no prompt, one mutation.
    await reloaded(laptop.page);
    const fresh = recordOperations(laptop.page);
    await signOutOthers(laptop.page, 1);
    await laptop.page.getByText('This is your only session').waitFor();
    expect(mutations(fresh)).toEqual(['SignOutOtherSessions']);
    expect(await laptop.page.getByRole('dialog').count()).toBe(0);
    expect(await sessionCountOf(ada.email)).toBe(1);

    // The other computer signs in again; time passes beyond the window.
    await other.page.reload();
    await submitCredentials(other.page, ada.email, ada.password, 'sign-in');
    await other.page.getByText('Signed in on 2 devices').waitFor();
    await outliveWindow(ada.email);
    await reloaded(laptop.page);
    const stale = recordOperations(laptop.page);
    await signOutOthers(laptop.page, 1);

    const dialog = laptop.page.getByRole('dialog', { name: 'Confirm your password' });
    await dialog.waitFor();
    expect(await sessionCountOf(ada.email)).toBe(2);
    await screenshot(laptop.page, 'step-up-01-password-prompt');

    // A wrong password says so, and the dialog stays.
    await dialog.getByLabel('Password').fill('not my password');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Password is incorrect.' }).waitFor();
    expect(await dialog.isVisible()).toBe(true);
    expect(await sessionCountOf(ada.email)).toBe(2);
    await screenshot(laptop.page, 'step-up-02-wrong-password');

    // The right one: the same action goes through, and the page updates from its payload.
    await dialog.getByLabel('Password').fill(ada.password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await laptop.page.getByText('This is your only session').waitFor();
    expect(await laptop.page.getByRole('dialog').count()).toBe(0);
    expect(mutations(stale)).toEqual([
      'SignOutOtherSessions',
      'Reauthenticate',
      'Reauthenticate',
      'SignOutOtherSessions',
    ]);
    expect(await sessionCountOf(ada.email)).toBe(1);
    await screenshot(laptop.page, 'step-up-03-done');

    // The activity list: newest first, a page at a time, this device's events marked.
    await laptop.page.reload();
    const events = laptop.page.getByTestId('security-event');
    await events.first().waitFor();
    const firstPage = await events.allTextContents();
    expect(firstPage).toEqual([
      expect.stringMatching(/^Signed out of other sessionsThis device.*Chrome 131 on macOS.*1 ended/),
      expect.stringMatching(/^Password confirmedThis device/),
      expect.stringMatching(/^Wrong password confirmationThis device/),
      expect.stringMatching(/^Signed in(?!This device).*Firefox 133 on Windows/),
      expect.stringMatching(/^Signed out of other sessionsThis device/),
    ]);
    await laptop.page.getByRole('button', { name: 'Show more' }).click();
    await events.nth(7).waitFor();
    expect((await events.allTextContents()).slice(5)).toEqual([
      // Its first sign-in from that browser mailed the owner (issue 14), in the
      // same transaction, just after: newest first, the alert is listed above.
      expect.stringMatching(/^New sign-in alert emailed(?!This device).*Firefox 133 on Windows/),
      expect.stringMatching(/^Signed in(?!This device).*Firefox 133 on Windows/),
      expect.stringMatching(/^Account createdThis device.*Chrome 131 on macOS/),
    ]);
    expect(await laptop.page.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    await screenshot(laptop.page, 'step-up-04-activity');

    for (const { context } of [laptop, other]) await context.close();
  });
});

/** The operations a page sent, less the activity list's reads (it reloads after every change). */
function mutations(operations: readonly string[]): string[] {
  return operations.filter((operation) => operation !== 'SecurityActivity');
}
