import { createHash } from 'node:crypto';

import { reauthenticate, type TestUser } from './factories.js';
import {
  type CeremonyOverrides,
  PasskeyAuthenticator,
  type PasskeyAuthenticatorOptions,
} from './passkey-authenticator.js';
import type { GraphqlResponse, RequestOptions, TestApp } from './test-app.js';
import type { TestModule } from './test-module.js';

/**
 * The page origin the e2e apps expect ceremonies from: PUBLIC_APP_URL, which tests
 * leave at the example client's development address (and the OIDC setup's
 * TEST_APP_URL names the same), so WEBAUTHN_ORIGINS and WEBAUTHN_RP_ID keep their defaults.
 */
export const PASSKEY_ORIGIN = 'http://localhost:5173';
export const PASSKEY_RP_ID = 'localhost';

export const PASSKEY_FIELDS = 'id name createdAt lastUsedAt synced';
export const START_REGISTRATION = 'mutation { startPasskeyRegistration { optionsJson expiresAt } }';
export const FINISH_REGISTRATION = `mutation($input: FinishPasskeyRegistrationInput!) { finishPasskeyRegistration(input: $input) { ${PASSKEY_FIELDS} } }`;
export const START_SIGN_IN = 'mutation { startPasskeySignIn { optionsJson expiresAt } }';
export const SIGN_IN_WITH_PASSKEY =
  'mutation($input: PasskeySignInInput!) { signInWithPasskey(input: $input) { token user { id email } session { id signInMethod authenticationFactors current } } }';
export const RENAME_PASSKEY = `mutation($id: ID!, $name: String!) { renamePasskey(id: $id, name: $name) { ${PASSKEY_FIELDS} } }`;
export const REMOVE_PASSKEY = `mutation($id: ID!) { removePasskey(id: $id) { id passkeys { ${PASSKEY_FIELDS} } } }`;
export const MY_PASSKEYS = `{ me { id twoFactorEnabled passkeys { ${PASSKEY_FIELDS} } } }`;
export const STEP_UP =
  'mutation($input: SecondFactorInput!) { reauthenticateWithSecondFactor(input: $input) { session { id sudoExpiresAt } } }';

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  synced: boolean;
}

// A type, not an interface: GraphqlResponse's default data type is a Record, which only types match.
export type PasskeySignIn = {
  signInWithPasskey: {
    token: string;
    user: { id: string; email: string };
    session: { id: string; signInMethod: string; authenticationFactors: string[]; current: boolean };
  };
};

/** An authenticator on the page the e2e apps trust. */
export function testAuthenticator(options: Partial<PasskeyAuthenticatorOptions> = {}): PasskeyAuthenticator {
  return new PasskeyAuthenticator({ origin: PASSKEY_ORIGIN, ...options });
}

function expectNoErrors(what: string, response: GraphqlResponse): void {
  if (response.errors) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
}

/** startPasskeyRegistration's options (the session must be in its sudo window). */
export async function registrationOptions(app: TestApp, token: string): Promise<string> {
  const started = await app.gql<{ startPasskeyRegistration: { optionsJson: string } }>(
    START_REGISTRATION,
    {},
    { token },
  );
  expectNoErrors('startPasskeyRegistration', started);
  return started.data!.startPasskeyRegistration.optionsJson;
}

/**
 * Adds a passkey as its owner would: the password again (the proof the sudo
 * window needs), the options, the authenticator's answer, finish.
 */
export async function addPasskey(
  app: TestApp,
  user: Pick<TestUser, 'password'> & { token: string },
  authenticator: PasskeyAuthenticator,
  options: { name?: string; reauthenticated?: boolean } = {},
): Promise<PasskeyView> {
  if (!options.reauthenticated) await reauthenticate(app, user, user.token);
  const optionsJson = await registrationOptions(app, user.token);
  const finished = await app.gql<{ finishPasskeyRegistration: PasskeyView }>(
    FINISH_REGISTRATION,
    { input: { responseJson: authenticator.createCredential(optionsJson), name: options.name } },
    { token: user.token },
  );
  expectNoErrors('finishPasskeyRegistration', finished);
  return finished.data!.finishPasskeyRegistration;
}

/** startPasskeySignIn's options: no account named, any discoverable passkey answers. */
export async function signInOptions(app: TestApp): Promise<string> {
  const started = await app.gql<{ startPasskeySignIn: { optionsJson: string } }>(START_SIGN_IN);
  expectNoErrors('startPasskeySignIn', started);
  return started.data!.startPasskeySignIn.optionsJson;
}

/** signInWithPasskey with this response, as sent. */
export function sendPasskeySignIn(
  app: TestApp,
  responseJson: string,
  request: RequestOptions = {},
): Promise<GraphqlResponse<PasskeySignIn>> {
  return app.gql<PasskeySignIn>(SIGN_IN_WITH_PASSKEY, { input: { responseJson } }, request);
}

/** A whole passkey sign-in (options, answer, sign-in); the answer as given, for the test to judge. */
export async function signInWithPasskey(
  app: TestApp,
  authenticator: PasskeyAuthenticator,
  overrides: CeremonyOverrides = {},
  request: RequestOptions = {},
): Promise<GraphqlResponse<PasskeySignIn>> {
  return sendPasskeySignIn(app, authenticator.getAssertion(await signInOptions(app), overrides), request);
}

/** The passkey options SECOND_FACTOR_REQUIRED or REAUTHENTICATION_REQUIRED carried. */
export function passkeyOptionsOf(response: GraphqlResponse): string {
  const options = response.errors?.[0].extensions?.passkeyOptions;
  if (typeof options !== 'string')
    throw new Error(`expected passkeyOptions, got ${JSON.stringify(response.errors ?? response.data)}`);
  return options;
}

/** BAD_USER_INPUT naming `field` among the input's fields at fault. */
export function expectRefusedOn(response: GraphqlResponse, field: string): void {
  const extensions = response.errors?.[0].extensions;
  expect(extensions?.code).toBe('BAD_USER_INPUT');
  expect(Object.keys((extensions?.fields as object | undefined) ?? {})).toContain(field);
}

/**
 * Makes the challenge of these options lapse now, through the database's clock
 * (no sleeping). Stored as the SHA-256 of the challenge as the options carry it.
 */
export async function expireChallengeOf(app: TestModule, optionsJson: string): Promise<void> {
  const challenge = (JSON.parse(optionsJson) as { challenge: string }).challenge;
  const [{ count }] = await app.sql<{ count: number }>(
    `WITH lapsed AS (UPDATE passkey_challenges SET expires_at = now() - interval '1 second'
                      WHERE challenge_hash = $1 RETURNING 1)
     SELECT count(*)::int AS count FROM lapsed`,
    [createHash('sha256').update(challenge, 'utf8').digest()],
  );
  // A test whose challenge was not found would pass for the wrong reason.
  if (count !== 1) throw new Error(`expected one stored challenge, found ${count}`);
}

/** A `passkeys` row as the assertions compare it (what a sign-in or a refusal could change). */
export interface PasskeyRow {
  id: string;
  user_id: string;
  credential_id: string;
  counter: string;
  name: string;
  last_used_at: Date | null;
}

export function passkeyRowsOf(app: TestModule, userIds: string[]): Promise<PasskeyRow[]> {
  return app.sql<PasskeyRow>(
    'SELECT id, user_id, credential_id, counter, name, last_used_at FROM passkeys WHERE user_id = ANY($1) ORDER BY id',
    [userIds],
  );
}

/**
 * What a refusal must leave as it was: the users' sessions (which exist, and
 * when each last proved its user) and their passkeys (counters, last use).
 */
export async function accountState(app: TestModule, userIds: string[]): Promise<unknown> {
  const sessions = await app.sql(
    `SELECT id, user_id, authenticated_at, reauthenticated_at, expires_at > now() AS active
       FROM sessions WHERE user_id = ANY($1) ORDER BY id`,
    [userIds],
  );
  return { sessions, passkeys: await passkeyRowsOf(app, userIds) };
}
