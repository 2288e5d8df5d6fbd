import { createUser, signIn, type TestUser, USER_AGENTS } from '../../support/factories.js';
import { ageSessions, sessionIdOf, sessionRow } from '../../support/session-rows.js';
import { TestApp, useTestApp } from '../../support/test-app.js';

const MY_SESSIONS = `{
  me {
    sessions { id createdAt lastActiveAt expiresAt ipAddress userAgent browser os current }
  }
}`;

interface ListedSession {
  id: string;
  createdAt: string;
  lastActiveAt: string;
  expiresAt: string;
  ipAddress: string | null;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  current: boolean;
}

async function listSessions(app: TestApp, token: string): Promise<ListedSession[]> {
  const response = await app.gql<{ me: { sessions: ListedSession[] } | null }>(MY_SESSIONS, {}, { token });
  if (response.errors || !response.data?.me) throw new Error(JSON.stringify(response.errors));
  return response.data.me.sessions;
}

/** A user signed in on a Mac (Chrome), then a Windows PC (Firefox), then an iPhone (Safari). */
async function userWithThreeDevices(app: TestApp): Promise<{
  user: TestUser;
  mac: { token: string; sessionId: string };
  pc: { token: string; sessionId: string };
  iphone: { token: string; sessionId: string };
}> {
  const user = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
  const mac = { token: user.token, sessionId: sessionIdOf(user.token) };
  const pc = await signIn(app, user, { userAgent: USER_AGENTS.firefoxOnWindows });
  const iphone = await signIn(app, user, { userAgent: USER_AGENTS.safariOnIphone });
  return { user, mac, pc, iphone };
}

describe('User.sessions', () => {
  const app = useTestApp();

  it('lists each device with the browser and OS a person would recognise, most recently active first, only the requesting one current', async () => {
    const { mac, pc, iphone } = await userWithThreeDevices(app);

    const sessions = await listSessions(app, pc.token);

    // No request since sign-in has been recorded (60 s touch interval), so the latest sign-in is the latest activity.
    expect(sessions.map(({ id, browser, os, current }) => ({ id, browser, os, current }))).toEqual([
      { id: iphone.sessionId, browser: 'Mobile Safari 18', os: 'iOS', current: false },
      { id: pc.sessionId, browser: 'Firefox 133', os: 'Windows', current: true },
      { id: mac.sessionId, browser: 'Chrome 131', os: 'macOS', current: false },
    ]);
    const row = await sessionRow(app, pc.sessionId);
    expect(sessions[1]).toEqual({
      id: pc.sessionId,
      createdAt: row!.created_at.toISOString(),
      lastActiveAt: row!.last_active_at.toISOString(),
      expiresAt: row!.expires_at.toISOString(),
      ipAddress: row!.ip_address,
      userAgent: USER_AGENTS.firefoxOnWindows,
      browser: 'Firefox 133',
      os: 'Windows',
      current: true,
    });
    expect(row!.ip_address).toBe('127.0.0.1');
  });

  it("leaves out expired sessions and other users' sessions", async () => {
    const { mac, pc, iphone } = await userWithThreeDevices(app);
    const bob = await createUser(app);
    await app.sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      iphone.sessionId,
    ]);

    const sessions = await listSessions(app, mac.token);

    expect(sessions.map((session) => session.id)).toEqual([pc.sessionId, mac.sessionId]);
    expect(sessions.map((session) => session.id)).not.toContain(sessionIdOf(bob.token));
  });
});

describe('User.sessions order (default SESSION_TOUCH_INTERVAL_SECONDS=60)', () => {
  const app = useTestApp();

  it('moves a device to the top when it is used', async () => {
    const { mac, pc, iphone } = await userWithThreeDevices(app);
    // A minute and more goes by, in the database: every device is due a touch.
    await ageSessions(app, [mac.sessionId, pc.sessionId, iphone.sessionId], 61);

    await app.gql('{ me { id } }', {}, { token: mac.token });
    const sessions = await listSessions(app, pc.token);

    // The listing request itself is the latest activity, then the Mac's, then the iPhone's sign-in.
    expect(sessions.map(({ id, current }) => ({ id, current }))).toEqual([
      { id: pc.sessionId, current: true },
      { id: mac.sessionId, current: false },
      { id: iphone.sessionId, current: false },
    ]);
  });
});
