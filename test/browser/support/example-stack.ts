import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Browser } from 'playwright-core';

import { loadConfig } from '../../../src/config/app-config.js';
import { findFreePort } from '../../../src/database/free-port.js';
import { type RunningServer, startServer } from '../../../src/server.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { OidcTestProvider } from '../../support/oidc-test-provider.js';
import { launchChromium } from './browser.js';
import { buildClient, serveStatic, type StaticSite } from './client-build.js';

/** The test provider's client at the API, and the name its button shows ("Sign in with Test ID"). */
const OIDC_CLIENT = { clientId: 'example-web', clientSecret: 'a-test-client-secret' };
export const TEST_PROVIDER = { id: 'test-id', name: 'Test ID' } as const;

export interface ExampleStackOptions {
  /** Names the spec's database and client build, so specs run side by side. */
  readonly name: string;
  /** An SMTP catcher for the mails (and MAIL_DELIVERY_INTERVAL_MS short enough to wait for). */
  readonly mail?: boolean;
  /** The test OpenID provider, as OIDC_PROVIDERS' "Test ID". */
  readonly oidc?: boolean;
  /** More server settings; the site's origin is known by then, for those that name it. */
  readonly env?: (site: StaticSite) => Record<string, string>;
}

/**
 * What a browser spec walks: the example client built against a real server
 * and served from its own origin on localhost (a secure context, as WebAuthn
 * needs; another origin than the API's, the same site), the server with its
 * own embedded database, the optional mail catcher and OpenID provider, and a
 * Chromium. `close()` stops all of it, in the reverse order.
 */
export class ExampleStack {
  private constructor(
    readonly site: StaticSite,
    readonly server: RunningServer,
    readonly browser: Browser,
    private readonly dataDir: string,
    private readonly mailCatcher: MailCatcher | undefined,
    private readonly oidcProvider: OidcTestProvider | undefined,
  ) {}

  /** The SMTP catcher; only with `mail: true`. */
  get catcher(): MailCatcher {
    if (!this.mailCatcher) throw new Error('the stack was started without mail: true');
    return this.mailCatcher;
  }

  /** The test OpenID provider; only with `oidc: true`. */
  get provider(): OidcTestProvider {
    if (!this.oidcProvider) throw new Error('the stack was started without oidc: true');
    return this.oidcProvider;
  }

  static async start(options: ExampleStackOptions): Promise<ExampleStack> {
    const dataDir = resolve('.data', `browser-${options.name}-${process.pid}`);
    const clientDir = resolve('test-output', 'browser', `client-${options.name}`);
    // Started one by one: what started is stopped even when a later step fails.
    const started: Array<{ close(): Promise<void> }> = [];
    try {
      const site = await serveStatic(clientDir);
      started.push(site);
      const catcher = options.mail ? await MailCatcher.start() : undefined;
      if (catcher) started.push(catcher);
      // The port is chosen first: the provider must know the API's callback before the API starts.
      const apiUrl = `http://localhost:${await findFreePort()}`;
      const provider = options.oidc
        ? await OidcTestProvider.start({
            ...OIDC_CLIENT,
            redirectUris: [`${apiUrl}/auth/oidc/${TEST_PROVIDER.id}/callback`],
          })
        : undefined;
      if (provider) started.push(provider);
      const server = await startServer(
        loadConfig({
          NODE_ENV: 'test',
          PORT: new URL(apiUrl).port,
          DATA_DIR: dataDir,
          CORS_ORIGINS: site.origin,
          PUBLIC_API_URL: apiUrl,
          PUBLIC_APP_URL: site.origin,
          ...(provider && {
            OIDC_PROVIDERS: JSON.stringify([
              provider.providerSetting(TEST_PROVIDER.id, TEST_PROVIDER.name, OIDC_CLIENT),
            ]),
          }),
          ...(catcher && { MAIL_DELIVERY_INTERVAL_MS: '100', ...catcher.env }),
          ...options.env?.(site),
        }),
      );
      started.push({ close: () => server.stop() });
      await buildClient(`${server.url}/graphql`, clientDir);
      const browser = await launchChromium();
      return new ExampleStack(site, server, browser, dataDir, catcher, provider);
    } catch (error) {
      for (const part of started.reverse()) await part.close();
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.stop();
    await this.oidcProvider?.close();
    await this.mailCatcher?.close();
    await this.site.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
