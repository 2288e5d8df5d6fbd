import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { Browser } from 'playwright-core';

import { loadConfig } from '../../src/config/app-config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { writeMmdb } from '../support/mmdb-writer.js';
import { launchChromium, screenshot } from './support/browser.js';
import { buildClient, serveStatic, type StaticSite } from './support/client-build.js';

const LAGOS = '102.88.34.1';
const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/**
 * "Where is that device?": a sign-in from a public address shows near which
 * city and country it was, in the device list and in the activity list, with
 * the database's credit. The browser itself connects over loopback (no
 * location); the phone signs in through a proxy the server trusts.
 */
describe('approximate location on the account security page', () => {
  const dataDir = resolve('.data', `browser-location-${process.pid}`);
  const clientDir = resolve('test-output', 'browser', 'client-location');
  const geoDir = mkdtempSync(join(tmpdir(), 'geoip-browser-'));
  let site: StaticSite;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    const database = join(geoDir, 'city.mmdb');
    writeFileSync(
      database,
      writeMmdb([
        {
          network: '102.88.0.0/16',
          data: { city: { names: { en: 'Lagos' } }, country: { iso_code: 'NG', names: { en: 'Nigeria' } } },
        },
      ]),
    );
    site = await serveStatic(clientDir);
    server = await startServer(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        DATA_DIR: dataDir,
        CORS_ORIGINS: site.origin,
        // The tests connect over loopback, so loopback plays the reverse proxy.
        TRUST_PROXY: 'loopback',
        GEOIP_DATABASE: database,
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
    rmSync(geoDir, { recursive: true, force: true });
  });

  it('shows near where the other device signed in, in the device list and the activity, with the credit', async () => {
    const email = `ada-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'correct horse battery staple';
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    await page.goto(site.origin);
    await page.getByRole('button', { name: 'Create one' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('This is your only session').waitFor();
    // Loopback is nowhere: no location, and so no credit yet.
    expect(await page.getByTestId('location-attribution').count()).toBe(0);

    // Her phone signs in from Lagos, through the proxy.
    const signedIn = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': PHONE, 'x-forwarded-for': LAGOS },
      body: JSON.stringify({
        query: 'mutation($input: SignInInput!) { signIn(input: $input) { session { id } } }',
        variables: { input: { email, password } },
      }),
    });
    expect(signedIn.ok).toBe(true);

    await page.reload();
    const phoneRow = page.getByTestId('session').filter({ hasText: 'Safari' });
    await phoneRow.waitFor();
    expect(await phoneRow.textContent()).toContain(`${LAGOS} · near Lagos, Nigeria · Last active`);
    const laptopRow = page.getByTestId('session').filter({ hasText: 'This device' });
    expect(await laptopRow.textContent()).not.toContain('near');
    const phoneSignIn = page.getByTestId('security-event').filter({ hasText: 'Signed in' }).first();
    await phoneSignIn.waitFor();
    expect(await phoneSignIn.textContent()).toContain(`${LAGOS} · near Lagos, Nigeria`);
    const credits = page.getByTestId('location-attribution');
    expect(await credits.count()).toBe(2);
    expect(await credits.first().getByRole('link').getAttribute('href')).toBe(
      'https://github.com/sapics/ip-location-db',
    );
    await screenshot(page, 'location-01-device-list');
    await context.close();
  });
});
