import { ChallengeCleanupJob } from '../../../src/doors/challenge-cleanup.job.js';
import { createUser, signIn, whoAmI } from '../../support/factories.js';
import {
  ACCOUNT_SESSIONS_CHANGED,
  closeAll,
  CURRENT_SESSION_ENDED,
  LiveClient,
  startTwoInstances,
  untilSubscribed,
} from '../../support/live-client.js';
import { securityEventRowsOf, sessionIdOf } from '../../support/session-rows.js';
import type { GraphqlResponse, TestApp } from '../../support/test-app.js';
import {
  COMPLETE_SIGN_IN,
  enableTwoFactor,
  passwordChallenge,
  SIGN_IN_MUTATION,
  type TwoFactorUser,
} from '../../support/two-factor.js';

/** BAD_USER_INPUT naming `field` among the input's fields at fault. */
function expectRefusedOn(response: GraphqlResponse, field: string): void {
  const extensions = response.errors?.[0].extensions;
  expect(extensions?.code).toBe('BAD_USER_INPUT');
  expect(Object.keys((extensions?.fields as object | undefined) ?? {})).toContain(field);
}

type SessionEnded = { currentSessionEnded: { sessionId: string; reason: string } };

type CompleteSignIn = {
  completeSignIn: { token: string; session: { id: string; authenticationFactors: string[] } };
};

/**
 * A first factor on a two-factor account opens a pending sign-in, never a
 * session: nothing is counted, listed, capped or pushed until the second
 * factor completes it through the same door as every sign-in. Two instances
 * share one database, as a deployment runs them.
 */
describe('a pending sign-in (SECOND_FACTOR_REQUIRED)', () => {
  let a: TestApp;
  let b: TestApp;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    ({ a, b } = await startTwoInstances());
  });

  afterAll(async () => {
    await closeAll(clients, b, a);
  });

  async function twoFactorUser(): Promise<TwoFactorUser> {
    return enableTwoFactor(a, await createUser(a));
  }

  async function sessionCount(userId: string): Promise<number> {
    const [row] = await a.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1',
      [userId],
    );
    return row.count;
  }

  it('ends the one-factor sessions on both instances when it is turned on, each socket told why', async () => {
    const user = await createUser(a);
    const laptop = await signIn(b, user);
    const phone = await signIn(a, user);
    const onB = new LiveClient(b, { token: laptop.token });
    const onA = new LiveClient(a, { token: phone.token });
    clients.push(onA, onB);
    const endedOnB = onB.subscribe<SessionEnded>(CURRENT_SESSION_ENDED);
    const endedOnA = onA.subscribe<SessionEnded>(CURRENT_SESSION_ENDED);
    await untilSubscribed(b, laptop.sessionId, 1);
    await untilSubscribed(a, phone.sessionId, 1);

    await enableTwoFactor(a, user);

    expect(await endedOnB.atLeast(1)).toEqual([
      { currentSessionEnded: { sessionId: laptop.sessionId, reason: 'TWO_FACTOR_ENABLED' } },
    ]);
    expect(await endedOnA.atLeast(1)).toEqual([
      { currentSessionEnded: { sessionId: phone.sessionId, reason: 'TWO_FACTOR_ENABLED' } },
    ]);
    expect(await onB.closed).toEqual({ code: 4403, reason: 'Session ended' });
    expect(await onA.closed).toEqual({ code: 4403, reason: 'Session ended' });
    expect(await whoAmI(b, user.token)).toMatchObject({ activeSessionCount: 1 });
  });

  it('answers a right password with a challenge, its methods and its expiry, and creates no session', async () => {
    const user = await twoFactorUser();
    const before = await sessionCount(user.id);
    const response = await a.gql(SIGN_IN_MUTATION, { input: { email: user.email, password: user.password } });

    expect(response.data).toBeNull();
    const error = response.errors![0];
    expect(error.extensions).toMatchObject({
      code: 'SECOND_FACTOR_REQUIRED',
      methods: ['TOTP', 'RECOVERY_CODE'],
    });
    expect(error.extensions!.challenge).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const expiresIn = new Date(error.extensions!.expiresAt as string).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(250_000);
    expect(expiresIn).toBeLessThanOrEqual(300_000);
    // Browsers also get it as an HttpOnly cookie.
    expect(
      response.setCookies.some(
        (c) =>
          c.startsWith(`sign_in_challenge=${error.extensions!.challenge as string}`) && /HttpOnly/i.test(c),
      ),
    ).toBe(true);
    expect(response.setCookies.some((c) => c.startsWith('session='))).toBe(false);
    expect(await sessionCount(user.id)).toBe(before);
    const me = await a.gql<{ me: { activeSessionCount: number; sessions: unknown[] } }>(
      '{ me { activeSessionCount sessions { id } } }',
      {},
      { token: user.token },
    );
    expect(me.data!.me.activeSessionCount).toBe(before);
    expect(me.data!.me.sessions).toHaveLength(before);
  });

  it('keeps the challenge as a hash only', async () => {
    const user = await twoFactorUser();
    const challenge = await passwordChallenge(a, user);
    const [id, secret] = challenge.split('.');
    const rows = await a.sql<{ row: string }>(
      'SELECT row_to_json(c)::text AS row FROM sign_in_challenges c WHERE id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].row).not.toContain(secret);
    expect(rows[0].row).not.toContain(Buffer.from(secret, 'base64url').toString('hex'));
  });

  it('signs in with a TOTP code: a session of [PASSWORD, TOTP], counted, listed and announced', async () => {
    const user = await twoFactorUser();
    const live = new LiveClient(a, { token: user.token });
    clients.push(live);
    const changes = live.subscribe<{ accountSessionsChanged: { activeSessionCount: number } }>(
      ACCOUNT_SESSIONS_CHANGED,
    );
    await untilSubscribed(a, sessionIdOf(user.token), 1);
    const challenge = await passwordChallenge(a, user);

    const response = await b.gql<CompleteSignIn>(COMPLETE_SIGN_IN, {
      input: { challenge, method: 'TOTP', code: await user.app.nextCode() },
    });

    expect(response.errors).toBeUndefined();
    const { token, session } = response.data!.completeSignIn;
    expect(session.authenticationFactors).toEqual(['PASSWORD', 'TOTP']);
    expect(response.setCookies.some((c) => c.startsWith(`session=${token}`))).toBe(true);
    // The first event the other device hears is the completed sign-in: the challenge announced nothing.
    const [first] = await changes.atLeast(1);
    expect(first.accountSessionsChanged.activeSessionCount).toBe(2);
    expect((await whoAmI(a, token))?.id).toBe(user.id);
    const types = (await securityEventRowsOf(a, user.id)).map((event) => event.type);
    expect(types.filter((type) => type === 'SIGNED_IN')).toHaveLength(1);
  });

  it('completes from the challenge cookie alone, as a browser does', async () => {
    const user = await twoFactorUser();
    const first = await a.gql(SIGN_IN_MUTATION, { input: { email: user.email, password: user.password } });
    const cookie = first.setCookies.find((c) => c.startsWith('sign_in_challenge='))!.split(';')[0];

    const response = await a.gql<CompleteSignIn>(
      COMPLETE_SIGN_IN,
      { input: { method: 'TOTP', code: await user.app.nextCode() } },
      { headers: { cookie } },
    );

    expect(response.errors).toBeUndefined();
    expect(response.data!.completeSignIn.session.authenticationFactors).toEqual(['PASSWORD', 'TOTP']);
    // Spent: the cookie goes with the session's arrival.
    expect(response.setCookies.some((c) => /^sign_in_challenge=;/.test(c))).toBe(true);
  });

  it('refuses a TOTP code already used, on the other instance too, and says which field', async () => {
    const user = await twoFactorUser();
    const code = await user.app.nextCode();
    const used = await a.gql<CompleteSignIn>(COMPLETE_SIGN_IN, {
      input: { challenge: await passwordChallenge(a, user), method: 'TOTP', code },
    });
    expect(used.errors).toBeUndefined();

    const replayed = await b.gql(COMPLETE_SIGN_IN, {
      input: { challenge: await passwordChallenge(b, user), method: 'TOTP', code },
    });

    expectRefusedOn(replayed, 'code');
    expect(await sessionCount(user.id)).toBe(2);
  });

  it('answers a wrong code with BAD_USER_INPUT on code, logs it, and ends the challenge at the fifth', async () => {
    const user = await twoFactorUser();
    const device = { userAgent: 'Wrong-Code-Agent/1.0' };
    const challenge = await passwordChallenge(a, user, device);
    for (let attempt = 1; attempt <= 4; attempt++) {
      const wrong = await a.gql(
        COMPLETE_SIGN_IN,
        { input: { challenge, method: 'TOTP', code: '000000' } },
        device,
      );
      expectRefusedOn(wrong, 'code');
      expect(wrong.errors?.[0].extensions?.fields).not.toHaveProperty('challenge');
    }
    const fifth = await a.gql(COMPLETE_SIGN_IN, {
      input: { challenge, method: 'RECOVERY_CODE', code: 'aaaa-bbbb-cccc-dddd' },
    });
    expectRefusedOn(fifth, 'challenge');

    // Dead: even the right code does not revive it.
    const right = await a.gql(COMPLETE_SIGN_IN, {
      input: { challenge, method: 'TOTP', code: await user.app.nextCode() },
    });
    expectRefusedOn(right, 'challenge');
    expect(await sessionCount(user.id)).toBe(1);
    const failures = (await securityEventRowsOf(a, user.id)).filter(
      (event) => event.type === 'SECOND_FACTOR_FAILED',
    );
    expect(failures).toHaveLength(5);
    // With the network and device, like a failed sign-in.
    expect(failures[0]).toMatchObject({ user_agent: 'Wrong-Code-Agent/1.0', ip_address: '127.0.0.1' });
  });

  it('gives one session to two completions of one challenge at once', async () => {
    const user = await twoFactorUser();
    const challenge = await passwordChallenge(a, user);
    const [first, second] = await Promise.all([
      a.gql<CompleteSignIn>(COMPLETE_SIGN_IN, {
        input: { challenge, method: 'RECOVERY_CODE', code: user.recoveryCodes[0] },
      }),
      b.gql<CompleteSignIn>(COMPLETE_SIGN_IN, {
        input: { challenge, method: 'RECOVERY_CODE', code: user.recoveryCodes[1] },
      }),
    ]);

    const won = [first, second].filter((response) => response.data?.completeSignIn);
    expect(won).toHaveLength(1);
    const lost = [first, second].find((response) => response.errors)!;
    expectRefusedOn(lost, 'challenge');
    expect(await sessionCount(user.id)).toBe(2);
    // The loser's recovery code was not spent: its transaction changed nothing.
    const me = await a.gql<{ me: { recoveryCodesRemaining: number } }>(
      '{ me { recoveryCodesRemaining } }',
      {},
      { token: user.token },
    );
    expect(me.data!.me.recoveryCodesRemaining).toBe(9);
  });

  it('accepts a recovery code once: [PASSWORD, RECOVERY_CODE], then refuses it', async () => {
    const user = await twoFactorUser();
    const [code] = user.recoveryCodes;
    const used = await a.gql<CompleteSignIn>(COMPLETE_SIGN_IN, {
      input: {
        challenge: await passwordChallenge(a, user),
        method: 'RECOVERY_CODE',
        code: code.toUpperCase().replace(/-/g, ' '),
      },
    });
    expect(used.data?.completeSignIn.session.authenticationFactors).toEqual(['PASSWORD', 'RECOVERY_CODE']);

    const again = await a.gql(COMPLETE_SIGN_IN, {
      input: { challenge: await passwordChallenge(a, user), method: 'RECOVERY_CODE', code },
    });
    expectRefusedOn(again, 'code');
    const types = (await securityEventRowsOf(a, user.id)).map((event) => event.type);
    expect(types.filter((type) => type === 'RECOVERY_CODE_USED')).toHaveLength(1);
  });

  it('refuses an unknown, malformed or lapsed challenge on the challenge field', async () => {
    const user = await twoFactorUser();
    const challenge = await passwordChallenge(a, user);
    await a.sql("UPDATE sign_in_challenges SET expires_at = now() - interval '1 second' WHERE id = $1", [
      challenge.split('.')[0],
    ]);
    // A right code: never spent, since the challenge is refused before the code is read.
    const code = await user.app.nextCode();
    for (const given of [challenge, 'not-a-challenge', `${challenge.split('.')[0]}.${'A'.repeat(43)}`]) {
      const response = await a.gql(COMPLETE_SIGN_IN, { input: { challenge: given, method: 'TOTP', code } });
      expectRefusedOn(response, 'challenge');
    }
    // Reclaimed by the cleanup job; a live challenge of the same user stays.
    const live = await passwordChallenge(a, user);
    await a.get(ChallengeCleanupJob).run();
    const left = await a.sql<{ id: string }>('SELECT id FROM sign_in_challenges WHERE user_id = $1', [
      user.id,
    ]);
    expect(left.map(({ id }) => id)).toEqual([live.split('.')[0]]);
  });

  it('keeps the account lockdown: a challenge completed after "This wasn\'t me" signs no one in', async () => {
    const user = await twoFactorUser();
    const challenge = await passwordChallenge(a, user);
    await a.sql('UPDATE users SET password_reset_required = true WHERE id = $1', [user.id]);
    const response = await a.gql(COMPLETE_SIGN_IN, {
      input: { challenge, method: 'TOTP', code: await user.app.nextCode() },
    });
    expect(response.errors?.[0].extensions?.code).toBe('PASSWORD_RESET_REQUIRED');
    expect(await sessionCount(user.id)).toBe(1);
  });
});
