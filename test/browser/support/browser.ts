import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';

/** Screenshots of every step; test-output/ is gitignored. */
export const SCREENSHOT_DIR = resolve('test-output/browser');

/**
 * The system Chromium (Debian's `chromium` package by default); Playwright
 * never downloads a browser here. The flags keep Chromium from calling home,
 * which a closed network answers with refused connections.
 */
export async function launchChromium(): Promise<Browser> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The README's picture of the security page (docs/security-page.png), written by the browser test itself so it cannot go stale. */
export const README_PICTURE = resolve('docs/security-page.png');

export async function saveReadmePicture(page: Page): Promise<void> {
  await page.screenshot({ path: README_PICTURE, fullPage: true });
}

/** The GraphQL operation names a page sends, in order, to check what a click cost. */
export function recordOperations(page: Page): string[] {
  const names: string[] = [];
  page.on('request', (request) => {
    if (request.method() !== 'POST' || !request.url().endsWith('/graphql')) return;
    const body = request.postDataJSON() as { operationName?: string } | null;
    names.push(body?.operationName ?? '(anonymous)');
  });
  return names;
}
