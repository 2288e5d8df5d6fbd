import { createUser, signIn, whoAmI } from '../../support/factories.js';
import { ageSessions, millisBetween, sessionIdOf, sessionRow } from '../../support/session-rows.js';
import { useTestApp } from '../../support/test-app.js';

describe('absolute expiry (SESSION_TTL_SECONDS=3600, SESSION_MAX_LIFETIME_SECONDS=5400)', () => {
  // Time passes by ageSessions(), in the database: whole minutes, not sub-second sleeps.
  const app = useTestApp({
    SESSION_TTL_SECONDS: '3600',
    SESSION_MAX_LIFETIME_SECONDS: '5400',
    SESSION_TOUCH_INTERVAL_SECONDS: '60',
  });

  it('caps every renewal at sign-in + the maximum lifetime, and refuses the session after it however active', async () => {
    const user = await createUser(app);
    const { token, sessionId } = await signIn(app, user);
    // Every session of the user ages, the one sign-up made included.
    const all = [sessionId, sessionIdOf(user.token)];
    const signedIn = await sessionRow(app, sessionId);
    expect(millisBetween(signedIn!.created_at, signedIn!.expires_at)).toBe(3_600_000);
    expect(millisBetween(signedIn!.created_at, signedIn!.absolute_expires_at)).toBe(5_400_000);

    // 2,000 s on: 1,600 s of the TTL left (less than half), 3,400 s of the lifetime.
    await ageSessions(app, all, 2_000);
    expect(await whoAmI(app, token)).not.toBeNull();
    // Renewed, but to the absolute expiry rather than now + TTL.
    const renewed = await sessionRow(app, sessionId);
    expect(renewed!.expires_at).toEqual(renewed!.absolute_expires_at);
    expect(millisBetween(renewed!.last_active_at, renewed!.expires_at)).toBeLessThan(3_600_000);

    // 4,000 s on: past the first idle expiry, alive thanks to the renewal; nothing left to renew.
    await ageSessions(app, all, 2_000);
    expect(await whoAmI(app, token)).not.toBeNull();
    const capped = await sessionRow(app, sessionId);
    expect(capped!.expires_at).toEqual(capped!.absolute_expires_at);

    // 6,000 s on: past the maximum lifetime, refused everywhere, and not counted.
    await ageSessions(app, all, 2_000);
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
