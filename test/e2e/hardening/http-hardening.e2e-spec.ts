import { expect } from '@jest/globals';

import { createUser, uniqueEmail } from '../../support/factories.js';
import { type GraphqlResponse, type RequestOptions, TestApp, useTestApp } from '../../support/test-app.js';

const SIGN_UP = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }';

const signUp = (app: TestApp, options: RequestOptions = {}): Promise<GraphqlResponse> =>
  app.gql(SIGN_UP, { input: { email: uniqueEmail(), password: 'long enough password' } }, options);

async function userCount(app: TestApp): Promise<number> {
  const [row] = await app.sql<{ count: string }>('SELECT count(*) FROM users');
  return Number(row.count);
}

/** The CSP of a response as `{ directive: [sources] }`. */
function cspOf(headers: Headers): Record<string, string[]> {
  const policy = headers.get('content-security-policy') ?? '';
  return Object.fromEntries(
    policy
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('security headers', () => {
  const app = useTestApp();

  it('answers the API with a CSP that lets nothing load or frame it, and helmet’s other headers', async () => {
    const response = await app.gql('{ me { id } }');

    expect(cspOf(response.headers)).toEqual({
      'default-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('tells browsers and proxies to keep no copy of any answer: signed-in data, sign-in tokens, errors', async () => {
    const user = await createUser(app);
    const signedIn = await app.gql('{ me { id email } }', {}, { token: user.token });
    const signIn = await app.gql('mutation ($input: SignInInput!) { signIn(input: $input) { token } }', {
      input: { email: user.email, password: user.password },
    });
    const invalid = await app.gql('{ me { nope } }');

    expect(signedIn.data).toEqual({ me: { id: user.id, email: user.email } });
    expect(signIn.data?.signIn).toEqual({ token: expect.any(String) });
    expect(invalid.status).toBe(400);
    for (const response of [signedIn, signIn, invalid]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('names every request with an id of its own in X-Request-Id', async () => {
    const first = await app.gql('{ me { id } }', {}, { headers: { 'x-request-id': 'chosen-by-client' } });
    const second = await app.gql('{ me { id } }');

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(first.headers.get('x-request-id')).toMatch(uuid);
    expect(second.headers.get('x-request-id')).toMatch(uuid);
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });
});

describe('CORS and cross-site requests', () => {
  describe('with CORS_ORIGINS unset', () => {
    const app = useTestApp();

    it('grants no other origin a CORS preflight', async () => {
      const preflight = await fetch(`${app.url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });

      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it.each([
      ['another site’s Origin', { origin: 'https://evil.example' }],
      ['a sandboxed page’s Origin "null"', { origin: 'null' }],
      ['Sec-Fetch-Site: cross-site and no Origin', { 'sec-fetch-site': 'cross-site' }],
      ['an Origin on another port of this host', { origin: 'http://127.0.0.1:1' }],
    ])('refuses a mutation with %s: 403 FORBIDDEN, and nothing is written', async (_case, headers) => {
      const users = await userCount(app);

      const response = await signUp(app, { headers });

      expect(response.status).toBe(403);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await userCount(app)).toBe(users);
    });

    it.each([
      ['its own Origin (GraphiQL)', (app: TestApp) => ({ origin: new URL(app.url).origin })],
      [
        'its own origin behind a proxy that terminates TLS',
        (app: TestApp) => ({ origin: `https://${new URL(app.url).host}` }),
      ],
      ['Sec-Fetch-Site: same-origin', () => ({ 'sec-fetch-site': 'same-origin' })],
      ['neither header (a client that is not a browser)', () => ({})],
    ])('accepts a mutation with %s', async (_case, headersFor) => {
      const response = await signUp(app, { headers: headersFor(app) });

      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ signUp: { token: expect.any(String) } });
    });
  });

  describe('with CORS_ORIGINS set', () => {
    const app = useTestApp({ CORS_ORIGINS: 'https://app.example.com,https://admin.example.com' });

    it('grants the listed origins a preflight with credentials, and no one else', async () => {
      const preflight = (origin: string) =>
        fetch(`${app.url}/graphql`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,authorization',
          },
        });

      const allowed = await preflight('https://admin.example.com');
      const refused = await preflight('https://evil.example');

      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('runs a mutation from a listed origin, with the CORS headers that let the page read it', async () => {
      const response = await signUp(app, { headers: { origin: 'https://app.example.com' } });

      expect(response.data).toEqual({ signUp: { token: expect.any(String) } });
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    });

    it('still refuses a mutation from an origin that is not listed', async () => {
      const users = await userCount(app);

      const response = await signUp(app, { headers: { origin: 'https://app.example.com.evil.example' } });

      expect(response.status).toBe(403);
      expect(await userCount(app)).toBe(users);
    });
  });
});
