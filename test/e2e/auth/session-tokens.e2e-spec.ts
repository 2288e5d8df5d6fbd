import { randomUUID } from 'node:crypto';

import { createUser, signIn, whoAmI } from '../../support/factories.js';
import { ageSessions, sessionIdOf } from '../../support/session-rows.js';
import { TestApp, useTestApp } from '../../support/test-app.js';

const ME = '{ me { id activeSessionCount } }';
const SIGN_OUT = 'mutation { signOut }';

/** The attributes of the session cookie in a response, e.g. { session: '…', httponly: true, … }. */
function parseSetCookie(header: string | undefined): Record<string, string | true> {
  if (!header) return {};
  return Object.fromEntries(
    header.split(';').map((part) => {
      const [name, ...value] = part.trim().split('=');
      return [name.toLowerCase(), value.length > 0 ? value.join('=') : true];
    }),
  );
}

describe('session tokens: cookie, bearer, sign-out and expiry', () => {
  const app = useTestApp();

  it('sets an HttpOnly, SameSite=Lax session cookie whose Max-Age matches the session', async () => {
    const response = await app.gql(
      'mutation($input: SignInInput!) { signIn(input: $input) { token session { expiresAt } } }',
      { input: await credentials() },
    );

    const cookie = parseSetCookie(response.setCookies[0]);
    const { token, session } = (
      response.data as { signIn: { token: string; session: { expiresAt: string } } }
    ).signIn;
    expect(cookie.session).toBe(token);
    expect(cookie).toMatchObject({ httponly: true, samesite: 'Lax', path: '/' });
    expect(cookie.secure).toBeUndefined(); // Secure only in production: tests run over http.
    const secondsLeft = (new Date(session.expiresAt).getTime() - Date.now()) / 1000;
    expect(Math.abs(Number(cookie['max-age']) - secondsLeft)).toBeLessThan(5);
    expect(Number(cookie['max-age'])).toBeGreaterThan(29 * 24 * 3600);
  });

  it('authenticates with the cookie alone and with the bearer header alone', async () => {
    const user = await createUser(app);

    const byCookie = await app.gql(ME, {}, { cookie: user.token });
    const byBearer = await app.gql(ME, {}, { token: user.token });

    expect(byCookie.data).toEqual({ me: { id: user.id, activeSessionCount: 1 } });
    expect(byBearer.data).toEqual({ me: { id: user.id, activeSessionCount: 1 } });
  });

  it('never reads the token from the query string or the body', async () => {
    const user = await createUser(app);

    const inBody = await app.post(
      JSON.stringify({ query: ME, token: user.token, variables: { token: user.token } }),
    );
    const inQuery = await fetch(`${app.url}/graphql?token=${encodeURIComponent(user.token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: ME }),
    });

    expect(inBody.data).toEqual({ me: null });
    expect(await inQuery.json()).toEqual({ data: { me: null } });
  });

  it('signOut ends the session, clears the cookie, and the token stops working', async () => {
    const user = await createUser(app);
    const other = await signIn(app, user);

    const response = await app.gql(SIGN_OUT, {}, { cookie: user.token });

    expect(response.data).toEqual({ signOut: true });
    const cleared = parseSetCookie(response.setCookies[0]);
    expect(cleared.session).toBe('');
    expect(new Date(cleared.expires as string).getTime()).toBeLessThan(Date.now());
    expect(await whoAmI(app, user.token)).toBeNull();
    expect(await whoAmI(app, other.token)).toEqual({ id: user.id, activeSessionCount: 1 });
    const again = await app.gql(SIGN_OUT, {}, { cookie: user.token });
    expect(again.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['empty', ''],
    ['no separator', 'abcdef'],
    ['a session id without secret', `${randomUUID()}.`],
    ['a secret without session id', `.${'a'.repeat(43)}`],
    ['a non-uuid id', `not-a-uuid.${'a'.repeat(43)}`],
    ['SQL in the id', `' OR 1=1 --.${'a'.repeat(43)}`],
    ['a secret of the wrong length', `${randomUUID()}.${'a'.repeat(42)}`],
    ['an unknown session', `${randomUUID()}.${'a'.repeat(43)}`],
    ['8 KB of garbage', 'x'.repeat(8_192)],
  ])('treats a token that is %s as no session (me is null, no error)', async (_case, token) => {
    for (const transport of [{ token }, { cookie: token }]) {
      const response = await app.gql(ME, {}, transport);
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ me: null });
    }
  });

  it('answers a token too large for an HTTP header with 431, not a server error', async () => {
    const response = await app.gql(ME, {}, { token: 'x'.repeat(65_536) });

    expect(response.status).toBe(431);
  });

  it('refuses a real session id with a wrong secret, and the guess changes nothing', async () => {
    const user = await createUser(app);
    const [sessionId] = user.token.split('.');

    const forged = `${sessionId}.${'A'.repeat(43)}`;

    expect(await whoAmI(app, forged)).toBeNull();
    const response = await app.gql(SIGN_OUT, {}, { token: forged });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await whoAmI(app, user.token)).toEqual({ id: user.id, activeSessionCount: 1 });
  });

  it('neither counts nor accepts expired sessions', async () => {
    const user = await createUser(app);
    const stale = await signIn(app, user);
    await signIn(app, user);
    await app.sql("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [
      stale.sessionId,
    ]);

    expect(await whoAmI(app, stale.token)).toBeNull();
    expect(await whoAmI(app, user.token)).toEqual({ id: user.id, activeSessionCount: 2 });
    const signedOut = await app.gql(
      'mutation { signOutOtherSessions { signedOutCount } }',
      {},
      { token: user.token },
    );
    expect(signedOut.data).toEqual({ signOutOtherSessions: { signedOutCount: 1 } });
  });

  describe('with SESSION_TTL_SECONDS=60', () => {
    let shortLived: TestApp;

    beforeAll(async () => {
      shortLived = await TestApp.create({ SESSION_TTL_SECONDS: '60' });
    });

    afterAll(async () => {
      await shortLived.close();
    });

    it('lets a session expire on its own after the configured TTL', async () => {
      const user = await createUser(shortLived);
      expect(await whoAmI(shortLived, user.token)).toEqual({ id: user.id, activeSessionCount: 1 });

      // The TTL goes by, in the database: no sub-second margin on the wall clock.
      await ageSessions(shortLived, [sessionIdOf(user.token)], 60);

      expect(await whoAmI(shortLived, user.token)).toBeNull();
      const response = await shortLived.gql(SIGN_OUT, {}, { token: user.token });
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('CSRF prevention', () => {
    it('refuses a cross-site "simple" POST carrying a valid cookie before any resolver runs', async () => {
      const user = await createUser(app);

      const response = await app.post(JSON.stringify({ query: SIGN_OUT }), {
        cookie: user.token,
        contentType: 'text/plain',
      });

      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
      expect(await whoAmI(app, user.token)).toEqual({ id: user.id, activeSessionCount: 1 });
    });

    it('refuses mutations sent with GET', async () => {
      const user = await createUser(app);

      const response = await fetch(`${app.url}/graphql?query=${encodeURIComponent(SIGN_OUT)}`, {
        headers: { cookie: `session=${user.token}`, 'apollo-require-preflight': 'true' },
      });

      expect(response.status).toBe(405);
      expect(await whoAmI(app, user.token)).toEqual({ id: user.id, activeSessionCount: 1 });
    });
  });

  async function credentials(): Promise<{ email: string; password: string }> {
    const user = await createUser(app);
    return { email: user.email, password: user.password };
  }
});
