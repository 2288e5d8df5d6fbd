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
 * When the owner acts: 12 ms after the first sign-in, for an action that
 * hashes a password itself (it then commits while later sign-ins are still
 * checking theirs), or as soon as the first sign-in is answered, for a quick
 * one (a report): by then some have their session and the rest are still
 * checking the password, whatever the machine's speed.
 */
export type OwnerActs = 'with-the-sign-ins' | 'after-the-first-answer';

/**
 * An intruder who knows the owner's password keeps signing in with it, 4 ms
 * apart, while the owner takes the account back (changes or resets the
 * password, reports the sign-in). Whatever the owner did must leave no
 * session made from that password: each sign-in either finished first (and
 * the owner's action ended its session) or is refused.
 */
export async function raceSignIns(
  app: TestApp,
  owner: TestUser,
  takeBack: () => Promise<GraphqlResponse>,
  ownerActs: OwnerActs = 'with-the-sign-ins',
): Promise<SignInRace> {
  let firstAnswered = (): void => {};
  const first = new Promise<void>((resolve) => (firstAnswered = resolve));
  const signIns = Array.from({ length: SIGN_INS }, (_, index) =>
    sleep(index * SPACING_MS)
      .then(() => app.gql(SIGN_IN, { input: { email: owner.email, password: owner.password } }))
      .finally(() => firstAnswered()),
  );
  const owners = (ownerActs === 'with-the-sign-ins' ? sleep(3 * SPACING_MS) : first).then(takeBack);
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
