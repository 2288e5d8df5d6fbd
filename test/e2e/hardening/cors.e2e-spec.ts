import { TestApp } from '../../support/test-app.js';

const CLIENT = 'http://localhost:5173';

function preflight(app: TestApp, origin: string): Promise<Response> {
  return fetch(`${app.url}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
}

describe('cross-origin browser access (CORS_ORIGINS)', () => {
  let app: TestApp;
  let closed: TestApp;

  beforeAll(async () => {
    app = await TestApp.create({ CORS_ORIGINS: `${CLIENT},https://app.example.com` });
    closed = await TestApp.create();
  });

  afterAll(async () => {
    await app.close();
    await closed.close();
  });

  it('lets a listed origin send JSON with the session cookie, and read the request id', async () => {
    const before = await preflight(app, CLIENT);
    const response = await app.gql('{ me { id } }', {}, { headers: { origin: CLIENT } });

    expect(before.status).toBe(204);
    expect(before.headers.get('access-control-allow-origin')).toBe(CLIENT);
    expect(before.headers.get('access-control-allow-credentials')).toBe('true');
    expect(before.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
    expect(response.headers.get('access-control-allow-origin')).toBe(CLIENT);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-expose-headers')).toMatch(/x-request-id/i);
  });

  it('gives an origin that is not listed no CORS headers, so the browser keeps the answer from it', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:5174', 'null']) {
      const before = await preflight(app, origin);
      const response = await app.gql('{ me { id } }', {}, { headers: { origin } });

      expect([origin, before.headers.get('access-control-allow-origin')]).toEqual([origin, null]);
      expect([origin, response.headers.get('access-control-allow-origin')]).toEqual([origin, null]);
    }
  });

  it('allows no other origin at all when CORS_ORIGINS is unset', async () => {
    const before = await preflight(closed, CLIENT);

    expect(before.headers.get('access-control-allow-origin')).toBeNull();
    expect(before.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
