import { setTimeout as sleep } from 'node:timers/promises';
import { SessionsService } from '../src/sessions/sessions.service.js';
import { createUser, signIn, USER_AGENTS, whoAmI } from './support/factories.js';
import { millisBetween, sessionIdOf, sessionRow } from './support/session-rows.js';
import { useTestApp } from './support/test-app.js';

const TTL_MS = 4_000;

describe('sliding expiry (SESSION_TTL_SECONDS=4)', () => {
  const app = useTestApp({
    SESSION_TTL_SECONDS: '4',
    SESSION_MAX_LIFETIME_SECONDS: '60',
    SESSION_TOUCH_INTERVAL_SECONDS: '1',
  });

  it('moves expiresAt to now + TTL once less than half of it is left, keeping a used session alive past its first expiry', async () => {
    const user = await createUser(app);
    const used = await signIn(app, user);
    const idle = await signIn(app, user);
    const signedIn = await sessionRow(app, used.sessionId);
    expect(millisBetween(signedIn!.created_at, signedIn!.expires_at)).toBe(TTL_MS);

    await sleep(2_500);
    expect(await whoAmI(app, used.token)).not.toBeNull();

    const renewed = await sessionRow(app, used.sessionId);
    expect(renewed!.expires_at.getTime()).toBeGreaterThan(signedIn!.expires_at.getTime());
    expect(millisBetween(renewed!.last_active_at, renewed!.expires_at)).toBe(TTL_MS);

    await sleep(2_000);
    // Past the expiry the sign-in set: the used session lives on, the idle one has ended.
    expect(await whoAmI(app, used.token)).toEqual({ id: user.id, activeSessionCount: 1 });
    expect(await whoAmI(app, idle.token)).toBeNull();
  });

  it('re-sets the cookie with the new Max-Age when renewing a session that came in a cookie, and only then', async () => {
    const user = await createUser(app);
    const byCookie = await signIn(app, user);
    const byBearer = await signIn(app, user);
    await sleep(2_500);

    const cookieResponse = await app.gql('{ me { id } }', {}, { cookie: byCookie.token });
    const bearerResponse = await app.gql('{ me { id } }', {}, { token: byBearer.token });

    expect(cookieResponse.setCookies).toHaveLength(1);
    const [cookie] = cookieResponse.setCookies;
    expect(cookie).toContain(`session=${byCookie.token};`);
    expect(cookie).toContain('HttpOnly');
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(3);
    expect(maxAge).toBeLessThanOrEqual(4);

    expect(bearerResponse.data).toEqual({ me: { id: user.id } });
    expect(bearerResponse.setCookies).toEqual([]);
    const bearerRow = await sessionRow(app, byBearer.sessionId);
    expect(millisBetween(bearerRow!.last_active_at, bearerRow!.expires_at)).toBe(TTL_MS);
  });

  it('records the last activity, IP and user agent once the touch interval has passed', async () => {
    const user = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    const before = await sessionRow(app, sessionIdOf(user.token));
    await sleep(1_100);

    await app.gql('{ me { id } }', {}, { token: user.token, userAgent: USER_AGENTS.firefoxOnWindows });

    const after = await sessionRow(app, sessionIdOf(user.token));
    expect(after!.last_active_at.getTime()).toBeGreaterThan(before!.last_active_at.getTime());
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

  it('never brings back a session that was deleted after the request loaded it', async () => {
    const user = await createUser(app);
    const sessions = app.app.get(SessionsService);
    const auth = await sessions.authenticate(user.token);
    // As a request would hold it: loaded a moment before another request revoked it.
    auth!.session.lastActiveAt = new Date(0);
    await app.sql('DELETE FROM sessions WHERE id = $1', [auth!.session.id]);

    const renewed = await sessions.recordActivity(auth!.session, { ipAddress: '127.0.0.1', userAgent: null });

    expect(renewed).toBe(false);
    expect(await sessionRow(app, auth!.session.id)).toBeUndefined();
    expect(await whoAmI(app, user.token)).toBeNull();
  });
});
