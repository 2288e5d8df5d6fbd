import { findFreePort } from '../../src/database/free-port.js';
import { OidcTestProvider } from './oidc-test-provider.js';
import { TestApp, type TestAppOptions } from './test-app.js';

/** What the example client's address is in these tests: where the app sends browsers after a sign-in. */
export const TEST_APP_URL = 'http://localhost:5173';

export interface OidcTestSetup {
  readonly app: TestApp;
  readonly provider: OidcTestProvider;
  readonly providerId: string;
  /** More ids configured in the app for the same provider and client (each with its own callback). */
  readonly otherProviderIds: readonly string[];
}

/**
 * An app configured with one identity provider, and that provider, running
 * on free ports in this process; ready once the app's discovery has answered.
 */
export async function startAppWithProvider(
  options: {
    providerId?: string;
    name?: string;
    clientId?: string;
    otherProviderIds?: readonly string[];
    env?: NodeJS.ProcessEnv;
  } = {},
  appOptions: TestAppOptions = {},
): Promise<OidcTestSetup> {
  const providerId = options.providerId ?? 'test-id';
  const client = { clientId: options.clientId ?? 'session-app', clientSecret: 'a-test-client-secret' };
  const port = await findFreePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const otherProviderIds = options.otherProviderIds ?? [];
  const ids = [providerId, ...otherProviderIds];
  const provider = await OidcTestProvider.start({
    ...client,
    redirectUris: ids.map((id) => `${apiUrl}/auth/oidc/${id}/callback`),
  });
  const settings = ids.map((id, index) =>
    provider.providerSetting(id, index === 0 ? (options.name ?? 'Test ID') : `Other ID ${index}`, client),
  );
  const app = await TestApp.create(
    {
      PUBLIC_API_URL: apiUrl,
      PUBLIC_APP_URL: TEST_APP_URL,
      OIDC_PROVIDERS: JSON.stringify(settings),
      ...options.env,
    },
    { ...appOptions, port },
  );
  for (const id of ids) await waitUntilDiscovered(app, id);
  return { app, provider, providerId, otherProviderIds };
}

/** Discovery runs in the background after start: wait for /health/ready to report the provider ready. */
export async function waitUntilDiscovered(app: TestApp, providerId: string): Promise<void> {
  for (;;) {
    const response = await fetch(`${app.url}/health/ready`);
    const body = (await response.json()) as { info?: { identityProviders?: Record<string, string> } };
    if (body.info?.identityProviders?.[providerId] === 'ready') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
