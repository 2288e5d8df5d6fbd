import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { loadConfig } from '../../src/config/app-config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { MailCatcher } from '../support/mail-catcher.js';
import { launchChromium, screenshot } from './support/browser.js';
import { buildClient, serveStatic, type StaticSite } from './support/client-build.js';

/**
 * "Forgot password?" in the example client, end to end: the form, the mail
 * read from a real SMTP server this test starts, the link opened in the
 * browser, the new password set; the old session is gone.
 */
describe('password reset in a real browser, with a real SMTP server', () => {
  const dataDir = resolve('.data', `browser-reset-${process.pid}`);
  const clientDir = resolve('test-output', 'browser', 'client-reset');
  let site: StaticSite;
  let server: RunningServer;
  let browser: Browser;
  let catcher: MailCatcher;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    site = await serveStatic(clientDir);
    server = await startServer(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        DATA_DIR: dataDir,
        CORS_ORIGINS: site.origin,
        PUBLIC_APP_URL: site.origin,
        MAIL_DELIVERY_INTERVAL_MS: '100',
        ...catcher.env,
      }),
    );
    await buildClient(`${server.url}/graphql`, clientDir);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await site?.close();
    await catcher?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
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
    await laptop.getByRole('button', { name: 'Sign in' }).waitFor();
  });
});
