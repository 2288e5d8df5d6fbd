import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';

import { loadConfig } from '../../src/config/app-config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { untilSubscribed } from '../support/live-client.js';
import { sessionIdOf } from '../support/session-rows.js';
import { launchChromium, screenshot } from './support/browser.js';
import { buildClient, serveStatic, type StaticSite } from './support/client-build.js';

const LAPTOP =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/**
 * Live updates in a real Chromium: the example client subscribes over
 * WebSocket (its session cookie on the handshake), so a device signed out
 * elsewhere leaves the account by itself, and the device list follows sign-ins
 * and sign-outs elsewhere, with no click and no reload.
 */
describe('the account security page, live', () => {
  const dataDir = resolve('.data', `browser-live-test-${process.pid}`);
  const clientDir = resolve('test-output', 'browser', 'client-live');
  let site: StaticSite;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    site = await serveStatic(clientDir);
    server = await startServer(
      loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, CORS_ORIGINS: site.origin }),
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

  /** A browser of its own, with the GraphQL events its page receives over WebSocket counted. */
  async function device(
    userAgent: string,
  ): Promise<{ context: BrowserContext; page: Page; events: string[] }> {
    const context = await browser.newContext({ userAgent, viewport: { width: 900, height: 760 } });
    const page = await context.newPage();
    const events: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; payload?: { data?: object } };
        if (message.type === 'next') events.push(Object.keys(message.payload?.data ?? {}).join());
      }),
    );
    await page.goto(site.origin);
    return { context, page, events };
  }

  async function signUpOrIn(page: Page, email: string, password: string, mode: 'sign-in' | 'sign-up') {
    if (mode === 'sign-up') await page.getByRole('button', { name: 'Create one' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page
      .getByRole('button', { name: mode === 'sign-up' ? 'Create account' : 'Sign in', exact: true })
      .click();
  }

  const heading = (page: Page) => page.getByTestId('device-count');

  /** The id of the session a browser is signed in with (its session cookie is `<id>.<secret>`). */
  async function sessionOf(context: BrowserContext): Promise<string> {
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'session');
    if (!cookie) throw new Error('the browser holds no session cookie');
    return sessionIdOf(cookie.value);
  }

  /** A sign-in from somewhere else (no browser): a new session of the account. */
  async function signInOverHttp(email: string, password: string): Promise<void> {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($i: SignInInput!) { signIn(input: $i) { token } }',
        variables: { i: { email, password } },
      }),
    });
    const body = (await response.json()) as { data?: { signIn?: { token: string } } };
    if (!body.data?.signIn?.token) throw new Error(`sign-in refused: ${JSON.stringify(body)}`);
  }

  it('signs the phone out from the laptop: the phone shows the sign-in form by itself; another user hears nothing', async () => {
    const ada = {
      email: `ada-${randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery staple',
    };
    const bob = { email: `bob-${randomUUID().slice(0, 8)}@example.com`, password: 'another long password' };

    const third = await device(PHONE);
    await signUpOrIn(third.page, bob.email, bob.password, 'sign-up');
    await third.page.getByText('This is your only session').waitFor();
    // Bob's page is listening (both of its subscriptions run on the server) before anything
    // happens to Ada: a dead socket would also hear nothing.
    const bobSession = await sessionOf(third.context);
    await untilSubscribed(server.app, bobSession, 2);

    const laptop = await device(LAPTOP);
    await signUpOrIn(laptop.page, ada.email, ada.password, 'sign-up');
    await laptop.page.getByText('Signed in on 1 device').waitFor();

    // The phone signs in: the laptop's page counts it without a reload.
    const phone = await device(PHONE);
    await signUpOrIn(phone.page, ada.email, ada.password, 'sign-in');
    await phone.page.getByText('Signed in on 2 devices').waitFor();
    await laptop.page.getByText('Signed in on 2 devices').waitFor();
    await laptop.page.getByTestId('session').filter({ hasText: 'Safari' }).waitFor();
    // The change pushed live shows in the activity too, without a reload.
    await laptop.page
      .getByTestId('security-event')
      .filter({ hasText: /^Signed in/ })
      .filter({ hasText: 'Safari' })
      .waitFor();
    await screenshot(laptop.page, 'live-01-laptop-sees-the-phone');

    // The laptop signs the phone out; the phone's page leaves the account with no interaction.
    await laptop.page
      .getByTestId('session')
      .filter({ hasText: 'Safari' })
      .getByRole('button', { name: 'Sign out' })
      .click();
    await phone.page.getByRole('form', { name: 'Sign in' }).waitFor({ timeout: 5_000 });
    expect(await phone.page.getByRole('status').textContent()).toMatch(
      /You were signed out from another device/,
    );
    expect(await phone.page.getByText(ada.email).count()).toBe(0);
    await screenshot(phone.page, 'live-02-phone-signed-out-by-itself');
    await laptop.page.getByText('This is your only session').waitFor();
    expect(await heading(laptop.page).textContent()).toBe('Signed in on 1 device');

    // Bob's page is as it was, and received no event at all.
    expect(await heading(third.page).textContent()).toBe('Signed in on 1 device');
    expect(third.events).toEqual([]);
    expect(phone.events).toContain('currentSessionEnded');
    // ...though it was listening all along: Bob's own account changing reaches it.
    await signInOverHttp(bob.email, bob.password);
    await third.page.getByText('Signed in on 2 devices').waitFor();
    expect(third.events).toEqual(['accountSessionsChanged']);

    for (const { context } of [laptop, phone, third]) await context.close();
  });
});
