import { setTimeout as sleep } from 'node:timers/promises';

import type { TestUser } from './factories.js';
import type { GraphqlResponse, TestApp } from './test-app.js';

const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { session { id } } }';
const SIGN_INS = 24;
const SPACING_MS = 4;

export interface SignInRace {
  /** The answers to the intruder's sign-ins with the old password, in the order they were sent. */
  signIns: GraphqlResponse[];
  /** The answer to the owner's action. */
  takeBack: GraphqlResponse;
  /** The owner's sessions still active afterwards. */
  activeSessionIds: string[];
}

/**
 * An intruder who knows the owner's password keeps signing in with it, 4 ms
 * apart, while the owner takes the account back a little after the first
 * (changes or resets the password, reports the sign-in). Whatever the owner
 * did must leave no session made from that password: each sign-in either
 * finished first (and the owner's action ended its session) or is refused.
 */
export async function raceSignIns(
  app: TestApp,
  owner: TestUser,
  takeBack: () => Promise<GraphqlResponse>,
): Promise<SignInRace> {
  const signIns = Array.from({ length: SIGN_INS }, (_, index) =>
    sleep(index * SPACING_MS).then(() =>
      app.gql(SIGN_IN, { input: { email: owner.email, password: owner.password } }),
    ),
  );
  const owners = sleep(3 * SPACING_MS).then(takeBack);
  const [answer, ...answers] = await Promise.all([owners, ...signIns]);
  const active = await app.sql<{ id: string }>(
    'SELECT id FROM sessions WHERE user_id = $1 AND expires_at > now()',
    [owner.id],
  );
  return { signIns: answers, takeBack: answer, activeSessionIds: active.map(({ id }) => id) };
}

/** The race is only shown when some sign-ins landed before the owner's action and some after. */
export function raceWasShown(signIns: GraphqlResponse[]): boolean {
  const refused = signIns.filter((response) => response.errors).length;
  return refused > 0 && refused < signIns.length;
}
