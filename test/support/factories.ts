import { randomUUID } from 'node:crypto';

import type { TestApp } from './test-app.js';
import type { TestModule } from './test-module.js';

export const USER_AGENTS = {
  chromeOnMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  firefoxOnWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  safariOnIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
} as const;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** The token of the session sign-up created. */
  token: string;
}

const AUTH_PAYLOAD = 'token user { id email } session { id }';

interface AuthPayloadData {
  token: string;
  user: { id: string; email: string };
  session: { id: string };
}

export function uniqueEmail(): string {
  return `user-${randomUUID()}@example.com`;
}

/** Signs up a new user (a fresh, unique email unless given) and returns its first session. */
export async function createUser(
  app: TestApp,
  overrides: { email?: string; password?: string; userAgent?: string; headers?: Record<string, string> } = {},
): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? 'correct horse battery staple';
  const response = await app.gql<{ signUp: AuthPayloadData }>(
    `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { ${AUTH_PAYLOAD} } }`,
    { input: { email, password } },
    { userAgent: overrides.userAgent, headers: overrides.headers },
  );
  if (!response.data?.signUp) throw new Error(`sign-up failed: ${JSON.stringify(response.errors)}`);
  const { user, token } = response.data.signUp;
  return { id: user.id, email: user.email, password, token };
}

/** Another session ("device") for an existing user; returns its token and session id. */
export async function signIn(
  app: TestApp,
  user: Pick<TestUser, 'email' | 'password'>,
  options: { userAgent?: string; headers?: Record<string, string> } = {},
): Promise<{ token: string; sessionId: string }> {
  const response = await app.gql<{ signIn: AuthPayloadData }>(
    `mutation SignIn($input: SignInInput!) { signIn(input: $input) { ${AUTH_PAYLOAD} } }`,
    { input: { email: user.email, password: user.password } },
    { userAgent: options.userAgent, headers: options.headers },
  );
  if (!response.data?.signIn) throw new Error(`sign-in failed: ${JSON.stringify(response.errors)}`);
  return { token: response.data.signIn.token, sessionId: response.data.signIn.session.id };
}

/**
 * The password confirmed again on this session (`reauthenticate`): the proof
 * of identity that opens the sudo window and that adding a way to sign in needs.
 */
export async function reauthenticate(
  app: TestApp,
  user: Pick<TestUser, 'password'>,
  token: string,
): Promise<void> {
  const response = await app.gql(
    'mutation($input: ReauthenticateInput!) { reauthenticate(input: $input) { session { id } } }',
    { input: { password: user.password } },
    { token },
  );
  if (response.errors) throw new Error(`reauthenticate failed: ${JSON.stringify(response.errors)}`);
}

/** `me { id activeSessionCount }` as seen with this token; `null` when the token is not a live session. */
export async function whoAmI(
  app: TestApp,
  token: string,
): Promise<{ id: string; activeSessionCount: number } | null> {
  const response = await app.gql<{ me: { id: string; activeSessionCount: number } | null }>(
    '{ me { id activeSessionCount } }',
    {},
    { token },
  );
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data?.me ?? null;
}

/**
 * `count` more sessions for an existing user, straight into the table
 * (generate_series): thousands of sign-ins over HTTP would spend the test's
 * time in Argon2. Their tokens are unknown; they are other devices to count and end.
 */
export async function addSessions(
  app: TestModule,
  user: Pick<TestUser, 'id'>,
  count: number,
  { expired = false }: { expired?: boolean } = {},
): Promise<void> {
  await app.sql(
    `INSERT INTO sessions (user_id, secret_hash, expires_at, absolute_expires_at, user_agent)
     SELECT $1, sha256(convert_to(gen_random_uuid()::text, 'UTF8')),
            now() + CASE WHEN $3 THEN interval '-1 hour' ELSE interval '1 day' END, now() + interval '90 days', $4
       FROM generate_series(1, $2::int)`,
    [user.id, count, expired, USER_AGENTS.firefoxOnWindows],
  );
}
