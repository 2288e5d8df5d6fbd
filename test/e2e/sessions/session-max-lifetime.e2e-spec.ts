import { setTimeout as sleep } from 'node:timers/promises';
import { createUser, signIn, whoAmI } from '../../support/factories.js';
import { millisBetween, sessionRow } from '../../support/session-rows.js';
import { useTestApp } from '../../support/test-app.js';

describe('absolute expiry (SESSION_TTL_SECONDS=4, SESSION_MAX_LIFETIME_SECONDS=6)', () => {
  const app = useTestApp({
    SESSION_TTL_SECONDS: '4',
    SESSION_MAX_LIFETIME_SECONDS: '6',
    SESSION_TOUCH_INTERVAL_SECONDS: '1',
  });

  it('caps every renewal at sign-in + the maximum lifetime, and refuses the session after it however active', async () => {
    const user = await createUser(app);
    const { token, sessionId } = await signIn(app, user);
    const signedIn = await sessionRow(app, sessionId);
    expect(millisBetween(signedIn!.created_at, signedIn!.expires_at)).toBe(4_000);
    expect(millisBetween(signedIn!.created_at, signedIn!.absolute_expires_at)).toBe(6_000);

    await sleep(2_500);
    expect(await whoAmI(app, token)).not.toBeNull();
    // Renewed, but to the absolute expiry rather than now + TTL.
    const renewed = await sessionRow(app, sessionId);
    expect(renewed!.expires_at).toEqual(signedIn!.absolute_expires_at);
    expect(millisBetween(renewed!.last_active_at, renewed!.expires_at)).toBeLessThan(4_000);

    await sleep(2_000);
    // Past the first idle expiry, alive thanks to the renewal; nothing left to renew.
    expect(await whoAmI(app, token)).not.toBeNull();
    expect((await sessionRow(app, sessionId))!.expires_at).toEqual(signedIn!.absolute_expires_at);

    await sleep(2_000);
    // Past the maximum lifetime: refused everywhere, and not counted.
    expect(await whoAmI(app, token)).toBeNull();
    const fromSession = await app.gql('mutation { signOutOtherSessions { signedOutCount } }', {}, { token });
    expect(fromSession.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const fresh = await signIn(app, user);
    expect(await whoAmI(app, fresh.token)).toEqual({ id: user.id, activeSessionCount: 1 });
  });
});

describe('a TTL longer than the maximum lifetime', () => {
  const app = useTestApp({ SESSION_TTL_SECONDS: '100', SESSION_MAX_LIFETIME_SECONDS: '6' });

  it('issues sessions that end at the maximum lifetime', async () => {
    const user = await createUser(app);
    const { sessionId } = await signIn(app, user);

    const row = await sessionRow(app, sessionId);

    expect(millisBetween(row!.created_at, row!.expires_at)).toBe(6_000);
    expect(row!.expires_at).toEqual(row!.absolute_expires_at);
  });
});
