import { randomUUID } from 'node:crypto';

import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import type { RunningServer } from '../../src/server.js';
import { screenshot } from './support/browser.js';
import type { StaticSite } from './support/client-build.js';
import { ExampleStack } from './support/example-stack.js';

/**
 * Sign-in through an OpenID Connect provider, end to end in Chromium: the
 * example client's button, the real test provider's login page, the API's
 * callback, and back to the security page with a provider session.
 */
describe('signing in with an identity provider in a real browser', () => {
  let stack: ExampleStack;
  let site: StaticSite;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    stack = await ExampleStack.start({ name: 'oidc', oidc: true });
    ({ site, server, browser } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function signInAtProvider(
    page: Page,
    email: string,
    subject = `person-${randomUUID()}`,
  ): Promise<void> {
    await page.goto(site.origin);
    await page.getByRole('link', { name: 'Sign in with Test ID' }).click();
    await loginAtProvider(page, subject, email);
  }

  async function loginAtProvider(page: Page, subject: string, email: string): Promise<void> {
    await page.getByRole('heading', { name: 'Test provider' }).waitFor();
    await screenshot(page, 'oidc-01-provider-login');
    await page.getByLabel('Subject').fill(subject);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs in through the provider and lands on the security page, the session marked "via Test ID"', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    const page = await context.newPage();
    const email = `grace-${randomUUID().slice(0, 8)}@example.com`;

    await signInAtProvider(page, email);

    await page.getByText('Signed in on 1 device').waitFor();
    expect(new URL(page.url()).origin).toBe(site.origin);
    await page.getByText(`Signed in as ${email}`).waitFor();
    await page.getByTestId('session').filter({ hasText: 'via Test ID' }).waitFor();
    const identity = page.getByTestId('identity');
    await identity.filter({ hasText: 'Test ID' }).waitFor();
    await screenshot(page, 'oidc-02-security-page');

    // The only way this account signs in: unlinking it is refused, and it stays.
    await identity.getByRole('button', { name: 'Unlink' }).click();
    await page.getByRole('alert').filter({ hasText: 'only way left to sign in' }).waitFor();
    expect(await page.getByTestId('identity').count()).toBe(1);
    await context.close();
  });

  it('refuses a provider sign-in for an email that has a password account, and says what to do', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    const page = await context.newPage();
    const email = `ada-${randomUUID().slice(0, 8)}@example.com`;
    await page.goto(site.origin);
    await page.getByRole('button', { name: 'Create one' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('This is your only session').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).first().click();

    await signInAtProvider(page, email);

    await page.getByRole('alert').filter({ hasText: 'Sign in with your password, then link' }).waitFor();
    await screenshot(page, 'oidc-03-email-collision');
    await context.close();
  });

  it('steps up through the provider when an account without a password is outside its sudo window', async () => {
    const email = `lin-${randomUUID().slice(0, 8)}@example.com`;
    const subject = `person-${randomUUID()}`;
    const laptop = await (await browser.newContext({ viewport: { width: 900, height: 760 } })).newPage();
    const phone = await (await browser.newContext({ viewport: { width: 900, height: 760 } })).newPage();
    await signInAtProvider(phone, email, subject);
    await phone.getByText('Signed in on 1 device').waitFor();
    await signInAtProvider(laptop, email, subject);
    await laptop.getByText('Signed in on 2 devices').waitFor();
    await server.app
      .get(DataSource)
      .query(
        `UPDATE sessions s SET authenticated_at = now() - interval '1 hour' FROM users u WHERE u.id = s.user_id AND u.email = $1`,
        [email],
      );

    await laptop.getByRole('button', { name: 'Sign out of 1 other session' }).click();
    await laptop.getByRole('button', { name: 'Are you sure?' }).click();
    await laptop.getByRole('link', { name: 'Confirm with Test ID' }).click();
    await loginAtProvider(laptop, subject, email);
    await laptop.getByText('Signed in on 2 devices').waitFor();
    await laptop.getByRole('button', { name: 'Sign out of 1 other session' }).click();
    await laptop.getByRole('button', { name: 'Are you sure?' }).click();

    await laptop.getByText('This is your only session').waitFor();
    await screenshot(laptop, 'oidc-04-stepped-up');
    await laptop.context().close();
    await phone.context().close();
  });
});
