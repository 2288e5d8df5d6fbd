import { randomUUID } from 'node:crypto';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import type { RunningServer } from '../../src/server.js';
import { recordOperations, saveReadmePicture, screenshot } from './support/browser.js';
import type { StaticSite } from './support/client-build.js';
import { ExampleStack } from './support/example-stack.js';

const USER_AGENTS = {
  macChrome:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  windowsFirefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
};

/**
 * The example client (examples/web, built with Vite) on one origin, the API on
 * another (same site: both localhost), in a real Chromium: CORS_ORIGINS, the
 * SameSite=Lax session cookie and CSRF prevention all take part for real.
 */
describe('the account security page in a real browser', () => {
  let stack: ExampleStack;
  let site: StaticSite;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    stack = await ExampleStack.start({ name: 'security-page' });
    ({ site, server, browser } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function device(userAgent: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ userAgent, viewport: { width: 900, height: 760 } });
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

  const heading = (page: Page) => page.getByTestId('device-count');
  const signInForm = (page: Page) => page.getByRole('form', { name: 'Sign in' });
  const sessionRows = (page: Page) => page.getByTestId('session');

  async function sessionCountOf(email: string): Promise<number> {
    const [row] = await server.app
      .get(DataSource)
      .query<{ count: string }[]>(
        'SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.expires_at > now()',
        [email],
      );
    return Number(row.count);
  }

  it('signs the other device out after a double check; that device lands on the sign-in form; another user is untouched', async () => {
    const ada = {
      email: `ada-${randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery staple',
    };
    const bob = { email: `bob-${randomUUID().slice(0, 8)}@example.com`, password: 'another long password' };

    // Another user, in a third browser.
    const third = await device(USER_AGENTS.iphoneSafari);
    await submitCredentials(third.page, bob.email, bob.password, 'sign-up');
    await third.page.getByText('This is your only session').waitFor();

    // Ada creates her account on her laptop; the first password she tries is one attackers try first…
    const laptop = await device(USER_AGENTS.macChrome);
    await submitCredentials(laptop.page, ada.email, 'password', 'sign-up');
    await laptop.page.getByRole('alert').filter({ hasText: 'one of the most common passwords' }).waitFor();
    expect(await sessionCountOf(ada.email)).toBe(0);
    await laptop.page.getByLabel('Password').fill(ada.password);
    await laptop.page.getByRole('button', { name: 'Create account' }).click();
    await laptop.page.getByText('This is your only session').waitFor();
    expect(await heading(laptop.page).textContent()).toBe('Signed in on 1 device');
    await screenshot(laptop.page, '01-laptop-signed-up');

    // …and signs in on a second computer.
    const other = await device(USER_AGENTS.windowsFirefox);
    await signInForm(other.page).waitFor();
    await screenshot(other.page, '02-other-sign-in-form');
    await submitCredentials(other.page, ada.email, ada.password, 'sign-in');
    await other.page.getByText('Signed in on 2 devices').waitFor();
    await screenshot(other.page, '03-other-signed-in');

    // Back on the laptop, the page (opened again) shows both devices.
    await laptop.page.reload();
    const signOutOthers = laptop.page.getByRole('button', { name: 'Sign out of 1 other session' });
    await signOutOthers.waitFor();
    expect(await heading(laptop.page).textContent()).toBe('Signed in on 2 devices');
    const rows = await sessionRows(laptop.page).allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Chrome 131 on macOS.*This device/),
        expect.stringMatching(/Firefox 133 on Windows(?!.*This device)/),
      ]),
    );
    await screenshot(laptop.page, '04-laptop-two-devices');

    // First click: only asks.
    const operations = recordOperations(laptop.page);
    await signOutOthers.click();
    const areYouSure = laptop.page.getByRole('button', { name: 'Are you sure?' });
    await areYouSure.waitFor();
    expect(operations).toEqual([]);
    expect(await sessionCountOf(ada.email)).toBe(2);
    await screenshot(laptop.page, '05-laptop-are-you-sure');

    // Second click: acts; the device list updates from the mutation's payload alone, and the
    // activity list (one more read) shows the action at once, without a reload.
    await areYouSure.click();
    await laptop.page.getByText('This is your only session').waitFor();
    expect(await heading(laptop.page).textContent()).toBe('Signed in on 1 device');
    expect(await sessionRows(laptop.page).allTextContents()).toEqual([expect.stringMatching(/This device/)]);
    expect(operations[0]).toBe('SignOutOtherSessions');
    expect(await sessionCountOf(ada.email)).toBe(1);
    await laptop.page
      .getByTestId('security-event')
      .first()
      .filter({ hasText: 'Signed out of other sessions' })
      .waitFor();
    expect(operations).toEqual(['SignOutOtherSessions', 'SecurityActivity']);
    await screenshot(laptop.page, '06-laptop-signed-out-others');

    // The other computer goes to the sign-in form by itself (live updates: see
    // live-updates.browser-spec.ts), with no click.
    await signInForm(other.page).waitFor();
    expect(await other.page.getByRole('status').textContent()).toMatch(
      /You were signed out from another device/,
    );
    expect(await other.page.getByText(ada.email).count()).toBe(0);
    await screenshot(other.page, '07-other-back-to-sign-in');
    expect(await sessionCountOf(ada.email)).toBe(1);

    // The laptop's session lives on, and the other user's browser is untouched.
    await laptop.page.reload();
    await laptop.page.getByText('This is your only session').waitFor();
    await third.page.reload();
    await third.page.getByText(bob.email).waitFor();
    expect(await heading(third.page).textContent()).toBe('Signed in on 1 device');
    expect(await sessionCountOf(bob.email)).toBe(1);
    await screenshot(third.page, '08-other-user-untouched');

    // The README's picture: the laptop at the end of the walk, its activity and
    // its address line included. Written only when asked (UPDATE_SCREENSHOT=1),
    // so that a CI run never changes a committed file.
    await laptop.page.getByText('Signed out of other sessions').waitFor();
    await laptop.page.getByTestId('email-verified').waitFor();
    if (process.env.UPDATE_SCREENSHOT === '1') await saveReadmePicture(laptop.page);

    for (const { context } of [laptop, other, third]) await context.close();
  });

  it('GraphiQL at /graphql runs from this server alone, and queries `me` with the cookie its own sign-in set', async () => {
    const ada = {
      email: `ada-${randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery staple',
    };
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const origins = new Set<string>();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${server.url}/graphql`);
    const run = async (operation: string, tabTitle: string): Promise<string> => {
      // Typed into the editor as a user would (insertText: no auto-closed brackets).
      await page.locator('.graphiql-query-editor .CodeMirror').click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(operation);
      // GraphiQL takes in the editor's text after a pause; the tab's title (the
      // operation's name) shows when it has, and then ▶ runs what was typed.
      await page.getByRole('tab', { name: tabTitle, exact: true }).waitFor();
      await page.locator('.graphiql-execute-button').click();
      const result = page.locator('.result-window');
      await result.getByText('"data"').waitFor();
      return (await result.textContent()) ?? '';
    };

    const signedUp = await run(
      `mutation SignUp { signUp(input: { email: "${ada.email}", password: "${ada.password}" }) { user { id } } }`,
      'SignUp',
    );
    const id = /"id": "([0-9a-f-]{36})"/.exec(signedUp)?.[1];
    expect(id).toBeDefined();
    const me = await run('{ me { id } }', '<untitled>');

    expect(me).toContain(`"id": "${id}"`);
    await screenshot(page, '09-graphiql-me');
    expect(problems).toEqual([]);
    expect([...origins]).toEqual([server.url]);
    await context.close();
  });
});
