import { setTimeout as sleep } from 'node:timers/promises';

import { createUser, type TestUser } from '../../support/factories.js';
import { type GraphqlResponse, type TestApp, useTestApp } from '../../support/test-app.js';

const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { session { id } } }';
const CHANGE_PASSWORD = `mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) { signedOutCount }
}`;
const SIGN_INS = 24;
const SPACING_MS = 4;

interface Race {
  signIns: GraphqlResponse[];
  change: GraphqlResponse;
  activeSessionIds: string[];
  owner: TestUser;
}

/**
 * An intruder who knows the old password keeps signing in while the owner
 * changes it: sign-ins 4 ms apart, the change a little after the first.
 */
async function race(app: TestApp): Promise<Race> {
  const owner = await createUser(app);
  const signIns = Array.from({ length: SIGN_INS }, (_, i) =>
    sleep(i * SPACING_MS).then(() =>
      app.gql(SIGN_IN, { input: { email: owner.email, password: owner.password } }),
    ),
  );
  const change = sleep(3 * SPACING_MS).then(() =>
    app.gql(
      CHANGE_PASSWORD,
      { input: { currentPassword: owner.password, newPassword: 'the owner took it back' } },
      { token: owner.token },
    ),
  );
  const [changed, ...signedIn] = await Promise.all([change, ...signIns]);
  const active = await app.sql<{ id: string }>(
    'SELECT id FROM sessions WHERE user_id = $1 AND expires_at > now()',
    [owner.id],
  );
  return { signIns: signedIn, change: changed, activeSessionIds: active.map(({ id }) => id), owner };
}

/**
 * A password change is how a user evicts an intruder, so no session may
 * outlive it that was made from the password it replaced: a sign-in either
 * finished before the change (and the change ended its session) or is refused.
 */
describe('sign-ins with the old password racing a password change', () => {
  const app = useTestApp({ RATE_LIMIT_PER_IP: '100000', RATE_LIMIT_PER_IP_AND_ACCOUNT: '100000' });

  it('leaves no session made from the old password, whichever way each sign-in falls', async () => {
    const outcomes: Array<{ succeeded: number; refused: number }> = [];
    for (let round = 0; round < 4; round++) {
      const { signIns, change, activeSessionIds, owner } = await race(app);

      expect(change.errors).toBeUndefined();
      // Only the session that changed the password is left.
      expect(activeSessionIds).toEqual([owner.token.split('.')[0]]);
      const refused = signIns.filter((response) => response.errors);
      for (const response of refused) {
        expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
      outcomes.push({ succeeded: signIns.length - refused.length, refused: refused.length });
      // The race is only shown when some sign-ins landed before the change and some after.
      if (outcomes.some(({ succeeded, refused }) => succeeded > 0 && refused > 0)) break;
    }
    expect(outcomes.some(({ succeeded, refused }) => succeeded > 0 && refused > 0)).toBe(true);
  });
});
