import { expect, jest } from '@jest/globals';

import { PasswordHasher } from '../../../src/auth/password-hasher.js';
import { createUser, signIn, uniqueEmail, whoAmI } from '../../support/factories.js';
import { type GraphqlResponse, type RequestOptions, TestApp, useTestApp } from '../../support/test-app.js';

const SIGN_IN = 'mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }';
const SIGN_UP = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }';

function signInAttempt(
  app: TestApp,
  email: string,
  password = 'not the password',
  options: RequestOptions = {},
): Promise<GraphqlResponse> {
  return app.gql(SIGN_IN, { input: { email, password } }, options);
}

function signUpAttempt(app: TestApp, options: RequestOptions = {}): Promise<GraphqlResponse> {
  return app.gql(SIGN_UP, { input: { email: uniqueEmail(), password: 'long enough password' } }, options);
}

const codeOf = (response: GraphqlResponse): unknown => response.errors?.[0]?.extensions?.code;

async function count(app: TestApp, table: 'users' | 'sessions' | 'rate_limit_counters'): Promise<number> {
  const [row] = await app.sql<{ count: string }>(`SELECT count(*) FROM ${table}`);
  return Number(row.count);
}

describe('rate limits on signIn and signUp', () => {
  describe('per client IP and account', () => {
    const app = useTestApp({ RATE_LIMIT_PER_IP_AND_ACCOUNT: '3', RATE_LIMIT_WINDOW_SECONDS: '600' });

    it('refuses the attempt over the limit with TOO_MANY_REQUESTS and retryAfterSeconds, before any password is hashed', async () => {
      const user = await createUser(app);
      for (let attempt = 1; attempt <= 3; attempt++) {
        expect(codeOf(await signInAttempt(app, user.email))).toBe('UNAUTHENTICATED');
      }
      const hasher = app.get(PasswordHasher);
      const spies = [
        jest.spyOn(hasher, 'verify'),
        jest.spyOn(hasher, 'verifyDecoy'),
        jest.spyOn(hasher, 'hash'),
      ];
      const sessions = await count(app, 'sessions');

      // Even the right password: the limit is checked before the resolver body.
      const limited = await signInAttempt(app, user.email, user.password);

      expect(limited.data).toBeNull();
      expect(limited.errors).toHaveLength(1);
      expect(limited.errors?.[0]?.extensions).toEqual({
        code: 'TOO_MANY_REQUESTS',
        retryAfterSeconds: expect.any(Number),
        requestId: expect.any(String),
      });
      const retryAfter = limited.errors?.[0]?.extensions?.retryAfterSeconds as number;
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      expect(await count(app, 'sessions')).toBe(sessions);
      for (const spy of spies) spy.mockRestore();
    });

    it('counts an account whatever the case and spacing of its email', async () => {
      const email = uniqueEmail();
      for (const variant of [email, email.toUpperCase(), `  ${email} `]) {
        expect(codeOf(await signInAttempt(app, variant))).toBe('UNAUTHENTICATED');
      }

      expect(codeOf(await signInAttempt(app, ` ${email.toUpperCase()}`))).toBe('TOO_MANY_REQUESTS');
    });

    it('keeps limiting one account without locking the client out of others', async () => {
      const email = uniqueEmail();
      for (let attempt = 1; attempt <= 4; attempt++) await signInAttempt(app, email);
      expect(codeOf(await signInAttempt(app, email))).toBe('TOO_MANY_REQUESTS');

      const other = await createUser(app);
      const response = await signInAttempt(app, other.email, other.password);

      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ signIn: { token: expect.any(String) } });
    });

    it('counts attempts that arrive at once exactly: no more than the limit get through', async () => {
      const email = uniqueEmail();

      const responses = await Promise.all(Array.from({ length: 12 }, () => signInAttempt(app, email)));

      const codes = responses.map(codeOf);
      expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(3);
      expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(9);
    });
  });

  describe('per client IP', () => {
    const app = useTestApp({ RATE_LIMIT_PER_IP: '3' });

    it('refuses sign-ups over the limit, whatever the email, and creates no account', async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        expect((await signUpAttempt(app)).errors).toBeUndefined();
      }
      const users = await count(app, 'users');

      const limited = await signUpAttempt(app);

      expect(codeOf(limited)).toBe('TOO_MANY_REQUESTS');
      expect(await count(app, 'users')).toBe(users);
    });
  });

  describe('for IPv6 clients', () => {
    // The client address is what the proxy in front (here: loopback) reports.
    const app = useTestApp({ RATE_LIMIT_PER_IP: '2', TRUST_PROXY: 'loopback' });

    const from = (ip: string): RequestOptions => ({ headers: { 'x-forwarded-for': ip } });

    it('counts every address of one /64 together, and another /64 apart', async () => {
      expect((await signUpAttempt(app, from('2001:db8:a:b::1'))).errors).toBeUndefined();
      expect((await signUpAttempt(app, from('2001:db8:a:b:ffff:ffff:ffff:fffe'))).errors).toBeUndefined();

      expect(codeOf(await signUpAttempt(app, from('2001:db8:a:b:1234::99')))).toBe('TOO_MANY_REQUESTS');
      expect((await signUpAttempt(app, from('2001:db8:a:c::1'))).errors).toBeUndefined();
    });

    it('counts an IPv4-mapped IPv6 address as the IPv4 address it is', async () => {
      await signUpAttempt(app, from('192.0.2.7'));
      await signUpAttempt(app, from('::ffff:192.0.2.7'));

      expect(codeOf(await signUpAttempt(app, from('192.0.2.7')))).toBe('TOO_MANY_REQUESTS');
    });
  });

  describe('on changePassword, per signed-in user', () => {
    const app = useTestApp({ RATE_LIMIT_PER_IP_AND_ACCOUNT: '3' });

    const CHANGE_PASSWORD =
      'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { signedOutCount } }';
    const guess = (token: string, currentPassword: string): Promise<GraphqlResponse> =>
      app.gql(
        CHANGE_PASSWORD,
        { input: { currentPassword, newPassword: 'a brand new password' } },
        { token },
      );

    it('stops a stolen session from guessing the password, whichever of the user’s sessions it uses', async () => {
      const alice = await createUser(app);
      const phone = (await signIn(app, alice)).token;
      for (const token of [alice.token, phone, alice.token]) {
        expect(codeOf(await guess(token, 'a wrong guess'))).toBe('BAD_USER_INPUT');
      }
      const verify = jest.spyOn(app.get(PasswordHasher), 'verify');

      const limited = await guess(phone, alice.password);

      expect(codeOf(limited)).toBe('TOO_MANY_REQUESTS');
      expect(verify).not.toHaveBeenCalled();
      verify.mockRestore();
      expect((await whoAmI(app, alice.token))?.activeSessionCount).toBe(2);
    });

    it('counts nothing against a user for requests without a session', async () => {
      const bob = await createUser(app);
      for (let attempt = 1; attempt <= 5; attempt++) {
        expect(codeOf(await guess('not a token', 'a wrong guess'))).toBe('UNAUTHENTICATED');
      }

      expect(codeOf(await guess(bob.token, bob.password))).toBeUndefined();
    });
  });

  describe('across instances', () => {
    let first: TestApp;
    let second: TestApp;

    beforeAll(async () => {
      const env = { RATE_LIMIT_PER_IP_AND_ACCOUNT: '3' };
      first = await TestApp.create(env);
      second = await TestApp.create(env, { shareDatabaseOf: first });
    });

    afterAll(async () => {
      await second.close();
      await first.close();
    });

    it('holds one limit for all instances that share the database', async () => {
      const email = uniqueEmail();
      expect(codeOf(await signInAttempt(first, email))).toBe('UNAUTHENTICATED');
      expect(codeOf(await signInAttempt(second, email))).toBe('UNAUTHENTICATED');
      expect(codeOf(await signInAttempt(first, email))).toBe('UNAUTHENTICATED');

      expect(codeOf(await signInAttempt(second, email))).toBe('TOO_MANY_REQUESTS');
      expect(codeOf(await signInAttempt(first, email))).toBe('TOO_MANY_REQUESTS');
    });
  });

  describe('when the window ends', () => {
    const app = useTestApp({ RATE_LIMIT_PER_IP_AND_ACCOUNT: '1', RATE_LIMIT_WINDOW_SECONDS: '600' });

    it('lets the client try again', async () => {
      const user = await createUser(app);
      await signInAttempt(app, user.email);
      const limited = await signInAttempt(app, user.email, user.password);
      expect(codeOf(limited)).toBe('TOO_MANY_REQUESTS');
      expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(590);

      // The window's ten minutes go by, in the database: no sub-second margin on the wall clock.
      await app.sql(`UPDATE rate_limit_counters SET window_ends_at = now() - interval '1 second'`);

      expect((await signInAttempt(app, user.email, user.password)).errors).toBeUndefined();
      // And the new attempt opened a new window: the next one is over the limit again.
      expect(codeOf(await signInAttempt(app, user.email, user.password))).toBe('TOO_MANY_REQUESTS');
    });
  });
});
