import { createServer, type Server } from 'node:http';

import { decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

type ProviderContext = Parameters<Parameters<Provider['use']>[0]>[0];

import { findFreePort } from '../../src/database/free-port.js';

/** Rewrites the claims of the ID token the token endpoint returns (a hostile or broken provider). */
export type IdTokenTamper = (claims: Record<string, unknown>) => Record<string, unknown>;

export interface OidcTestProviderOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The app's callback URLs (PUBLIC_API_URL + /auth/oidc/<id>/callback). */
  readonly redirectUris: readonly string[];
}

const INTERACTION = /^\/interaction\/([\w-]+)$/;

/**
 * A real OpenID Connect provider (oidc-provider) on a free port, with one
 * client and a login page of its own: GET /interaction/<uid> is a form that
 * asks who signs in (`login`, the subject, and `email`); posting it signs
 * that person in. Consent is granted by the provider itself (a first-party
 * client), so a sign-in is: authorize → login form → back to the app.
 */
export class OidcTestProvider {
  /** Set by a test to make the token endpoint return a doctored ID token (signed with the real key). */
  tamperIdToken: IdTokenTamper | null = null;
  /** Requests the token endpoint has had: whether the app asked the provider at all. */
  tokenRequests = 0;

  private constructor(
    readonly issuer: string,
    private readonly server: Server,
  ) {}

  static async start(options: OidcTestProviderOptions): Promise<OidcTestProvider> {
    const port = await findFreePort();
    const issuer = `http://127.0.0.1:${port}`;
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    const emails = new Map<string, string>();
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: options.clientId,
          client_secret: options.clientSecret,
          redirect_uris: [...options.redirectUris],
          response_types: ['code'],
          grant_types: ['authorization_code'],
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: ['oidc-test-provider-cookie-key'] },
      // Set, so oidc-provider does not warn that its defaults are in use.
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        Grant: 3600,
        IdToken: 600,
        Interaction: 600,
        Session: 3600,
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      features: { devInteractions: { enabled: false } },
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
      findAccount: (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: () => ({ sub, email: emails.get(sub), email_verified: true }),
      }),
      // A first-party client: the person is never asked to consent to the app.
      loadExistingGrant: async (ctx: ProviderContext) => {
        const accountId = ctx.oidc.session!.accountId!;
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
    });
    const testProvider = new OidcTestProvider(issuer, createServer(provider.callback()));
    provider.use(async (ctx, next) => {
      const interaction = INTERACTION.exec(ctx.path);
      if (!interaction) {
        if (ctx.path === '/token') testProvider.tokenRequests++;
        await next();
        if (ctx.path === '/token' && testProvider.tamperIdToken) {
          await testProvider.doctor(ctx, privateKey);
        }
        return;
      }
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      if (ctx.method === 'GET') {
        ctx.type = 'html';
        ctx.body = loginPage(details.uid);
        return;
      }
      const form = new URLSearchParams(await readBody(ctx.req));
      const login = form.get('login') ?? '';
      emails.set(login, form.get('email') ?? '');
      const url = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: login } });
      ctx.status = 303;
      ctx.redirect(url);
    });
    await new Promise<void>((resolve) => testProvider.server.listen(port, '127.0.0.1', resolve));
    return testProvider;
  }

  /** The provider's settings for OIDC_PROVIDERS. */
  providerSetting(id: string, name: string, client: Omit<OidcTestProviderOptions, 'redirectUris'>) {
    return { id, name, issuer: this.issuer, clientId: client.clientId, clientSecret: client.clientSecret };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async doctor(ctx: ProviderContext, key: Parameters<SignJWT['sign']>[0]): Promise<void> {
    const body = (typeof ctx.body === 'string' ? JSON.parse(ctx.body) : ctx.body) as Record<string, unknown>;
    if (typeof body?.id_token !== 'string') return;
    const claims = this.tamperIdToken!(decodeJwt(body.id_token));
    const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key);
    ctx.body = { ...body, id_token: idToken };
  }
}

function loginPage(uid: string): string {
  return `<!doctype html><html><head><title>Test provider sign-in</title></head><body>
<h1>Test provider</h1>
<form method="post" action="/interaction/${uid}">
  <label>Subject <input name="login" required></label>
  <label>Email <input name="email" type="email"></label>
  <button type="submit">Sign in</button>
</form></body></html>`;
}

async function readBody(stream: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}
