import { createUser, signIn, USER_AGENTS, whoAmI } from '../../support/factories.js';
import { ageSessions, millisBetween, sessionIdOf, sessionRow } from '../../support/session-rows.js';
import { useTestApp } from '../../support/test-app.js';

const TTL_SECONDS = 3_600;
const TTL_MS = TTL_SECONDS * 1000;

describe('sliding expiry (SESSION_TTL_SECONDS=3600, SESSION_TOUCH_INTERVAL_SECONDS=60)', () => {
  // Time passes by ageSessions(), in the database: whole minutes, not sub-second sleeps.
  const app = useTestApp({
    SESSION_TTL_SECONDS: String(TTL_SECONDS),
    SESSION_MAX_LIFETIME_SECONDS: '86400',
    SESSION_TOUCH_INTERVAL_SECONDS: '60',
    // The tests connect over loopback, which plays the reverse proxy that reports the client's IP.
    TRUST_PROXY: 'loopback',
  });

  it('moves expiresAt to now + TTL once less than half of it is left, keeping a used session alive past its first expiry', async () => {
    const user = await createUser(app);
    const used = await signIn(app, user);
    const idle = await signIn(app, user);
    // Every session of the user ages, the one sign-up made included.
    const all = [sessionIdOf(user.token), used.sessionId, idle.sessionId];
    const signedIn = await sessionRow(app, used.sessionId);
    expect(millisBetween(signedIn!.created_at, signedIn!.expires_at)).toBe(TTL_MS);

    // 1,000 s on, 2,600 s (more than half) left: used, touched, but not renewed.
    await ageSessions(app, all, 1_000);
    const beforeHalf = await sessionRow(app, used.sessionId);
    expect(await whoAmI(app, used.token)).not.toBeNull();
    const notRenewed = await sessionRow(app, used.sessionId);
    expect(notRenewed!.last_active_at.getTime()).toBeGreaterThan(beforeHalf!.last_active_at.getTime());
    expect(notRenewed!.expires_at).toEqual(beforeHalf!.expires_at);

    // 2,000 s on, 1,600 s (less than half) left: the next use renews to now + TTL.
    await ageSessions(app, all, 1_000);
    const afterHalf = await sessionRow(app, used.sessionId);
    expect(await whoAmI(app, used.token)).not.toBeNull();
    const renewed = await sessionRow(app, used.sessionId);
    expect(renewed!.expires_at.getTime()).toBeGreaterThan(afterHalf!.expires_at.getTime());
    expect(millisBetween(renewed!.last_active_at, renewed!.expires_at)).toBe(TTL_MS);

    // 4,000 s on: past the expiry the sign-in set. The used session lives on, the idle one has ended.
    await ageSessions(app, all, 2_000);
    expect(await whoAmI(app, used.token)).toEqual({ id: user.id, activeSessionCount: 1 });
    expect(await whoAmI(app, idle.token)).toBeNull();
  });

  it('re-sets the cookie with the new Max-Age when renewing a session that came in a cookie, and only then', async () => {
    const user = await createUser(app);
    const byCookie = await signIn(app, user);
    const byBearer = await signIn(app, user);
    await ageSessions(app, [byCookie.sessionId, byBearer.sessionId], 2_000);

    const cookieResponse = await app.gql('{ me { id } }', {}, { cookie: byCookie.token });
    const bearerResponse = await app.gql('{ me { id } }', {}, { token: byBearer.token });

    expect(cookieResponse.setCookies).toHaveLength(1);
    const [cookie] = cookieResponse.setCookies;
    expect(cookie).toContain(`session=${byCookie.token};`);
    expect(cookie).toContain('HttpOnly');
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    // The full TTL again (a minute's slack for a slow machine), not the 1,600 s that were left.
    expect(maxAge).toBeGreaterThanOrEqual(TTL_SECONDS - 60);
    expect(maxAge).toBeLessThanOrEqual(TTL_SECONDS);

    expect(bearerResponse.data).toEqual({ me: { id: user.id } });
    expect(bearerResponse.setCookies).toEqual([]);
    const bearerRow = await sessionRow(app, byBearer.sessionId);
    expect(millisBetween(bearerRow!.last_active_at, bearerRow!.expires_at)).toBe(TTL_MS);
  });

  it('records the last activity, IP and user agent once the touch interval has passed', async () => {
    const user = await createUser(app, {
      userAgent: USER_AGENTS.chromeOnMac,
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    const sessionId = sessionIdOf(user.token);
    expect((await sessionRow(app, sessionId))!.ip_address).toBe('203.0.113.7');
    await ageSessions(app, [sessionId], 61);
    const before = await sessionRow(app, sessionId);

    // The same device, seen from another network with another browser.
    await app.gql(
      '{ me { id } }',
      {},
      {
        token: user.token,
        userAgent: USER_AGENTS.firefoxOnWindows,
        headers: { 'x-forwarded-for': '198.51.100.23' },
      },
    );

    const after = await sessionRow(app, sessionId);
    expect(after!.last_active_at.getTime()).toBeGreaterThan(before!.last_active_at.getTime());
    expect(after!.ip_address).toBe('198.51.100.23');
    expect(after!.user_agent).toBe(USER_AGENTS.firefoxOnWindows);
  });
});

describe('touching a session (default SESSION_TOUCH_INTERVAL_SECONDS=60)', () => {
  const app = useTestApp();

  it('writes nothing for requests within the touch interval, and renews nothing while most of the TTL is left', async () => {
    const user = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    const sessionId = sessionIdOf(user.token);
    const signedIn = await sessionRow(app, sessionId);

    const responses = [
      await app.gql('{ me { id } }', {}, { token: user.token, userAgent: USER_AGENTS.firefoxOnWindows }),
      await app.gql('{ me { id } }', {}, { cookie: user.token, userAgent: USER_AGENTS.safariOnIphone }),
      await app.gql('{ me { id activeSessionCount } }', {}, { token: user.token }),
    ];

    expect(responses.map((response) => response.errors)).toEqual([undefined, undefined, undefined]);
    expect(responses.flatMap((response) => response.setCookies)).toEqual([]);
    expect(await sessionRow(app, sessionId)).toEqual(signedIn);
  });
});
