import { createUser } from '../../support/factories.js';
import { raceSignIns, raceWasShown } from '../../support/sign-in-race.js';
import { useTestApp } from '../../support/test-app.js';

const CHANGE_PASSWORD = `mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) { signedOutCount }
}`;

/**
 * A password change is how a user evicts an intruder, so no session may
 * outlive it that was made from the password it replaced: a sign-in either
 * finished before the change (and the change ended its session) or is refused.
 * (The same race against a reset and a report: test/e2e/email/sign-in-during-reset.e2e-spec.ts.)
 */
describe('sign-ins with the old password racing a password change', () => {
  const app = useTestApp({ RATE_LIMIT_PER_IP: '100000', RATE_LIMIT_PER_IP_AND_ACCOUNT: '100000' });

  it('leaves no session made from the old password, whichever way each sign-in falls', async () => {
    let shown = false;
    for (let round = 0; round < 4 && !shown; round++) {
      const owner = await createUser(app);
      const { signIns, takeBack, activeSessionIds } = await raceSignIns(app, owner, () =>
        app.gql(
          CHANGE_PASSWORD,
          { input: { currentPassword: owner.password, newPassword: 'the owner took it back' } },
          { token: owner.token },
        ),
      );

      expect(takeBack.errors).toBeUndefined();
      // Only the session that changed the password is left.
      expect(activeSessionIds).toEqual([owner.token.split('.')[0]]);
      for (const refused of signIns.filter((response) => response.errors))
        expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      shown = raceWasShown(signIns);
    }
    expect(shown).toBe(true);
  });
});
