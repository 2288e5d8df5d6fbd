import { randomUUID } from 'node:crypto';

import { useTestApp } from '../../support/test-app.js';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id email } } }';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { user { id } } }';
const PASSWORD = 'plum kettle orbit seventeen';

/** Two spellings of one address: the second must find the account the first made. */
const SPELLINGS: Array<[string, (tag: string) => [string, string], (tag: string) => string]> = [
  [
    'NFC and NFD',
    (tag) => [`zo\u00eb-${tag}@example.com`, `zoe\u0308-${tag}@example.com`],
    (tag) => `zo\u00eb-${tag}@example.com`,
  ],
  [
    'fullwidth and ASCII letters',
    (tag) => [`\uff41\uff4c\uff49\uff43\uff45-${tag}@example.com`, `alice-${tag}@example.com`],
    (tag) => `alice-${tag}@example.com`,
  ],
  [
    'a Unicode domain and its IDNA form',
    (tag) => [`x-${tag}@b\u00fccher.example`, `x-${tag}@xn--bcher-kva.example`],
    (tag) => `x-${tag}@xn--bcher-kva.example`,
  ],
];

describe('one address in two spellings', () => {
  const app = useTestApp();

  it.each(SPELLINGS)(
    '%s make one account: sign-up refuses the second, sign-in accepts it',
    async (_, pair, stored) => {
      const tag = randomUUID().slice(0, 8);
      const [first, second] = pair(tag);

      const created = await app.gql<{ signUp: { user: { id: string; email: string } } }>(SIGN_UP, {
        input: { email: first, password: PASSWORD },
      });
      const again = await app.gql(SIGN_UP, { input: { email: second, password: PASSWORD } });
      const signedIn = await app.gql<{ signIn: { user: { id: string } } }>(SIGN_IN, {
        input: { email: second, password: PASSWORD },
      });

      expect(created.data?.signUp.user.email).toBe(stored(tag));
      expect(again.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { email: ['An account with this email already exists.'] },
      });
      expect(signedIn.data?.signIn.user.id).toBe(created.data?.signUp.user.id);
    },
  );
});
