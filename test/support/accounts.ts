import { AuthService } from '../../src/auth/auth.service.js';
import { UnitOfWork } from '../../src/database/transaction.js';
import { SignInDoor } from '../../src/doors/sign-in-door.js';
import type { AuthContext, ClientInfo } from '../../src/sessions/session.types.js';
import { SessionsService } from '../../src/sessions/sessions.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { type TestUser, uniqueEmail } from './factories.js';
import type { TestModule } from './test-module.js';

/**
 * Factories for integration tests, which have no HTTP: the same accounts and
 * sessions the e2e factories make, through the services the resolvers call.
 */

const LOOPBACK: ClientInfo = { ipAddress: '127.0.0.1', userAgent: null };

/** Signs up a new user through AuthService (fresh, unique email unless given); returns its first session. */
export async function signUpUser(
  module: TestModule,
  overrides: { email?: string; password?: string; client?: ClientInfo } = {},
): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? 'correct horse battery staple';
  const { user, token } = await module
    .get(AuthService)
    .signUp({ email, password }, overrides.client ?? LOOPBACK);
  return { id: user.id, email: user.email, password, token };
}

/** Another session ("device") for an existing user, through the sign-in door as a password sign-in once the password matched. */
export async function issueSession(
  module: TestModule,
  user: Pick<TestUser, 'id' | 'email'>,
  client: ClientInfo = LOOPBACK,
): Promise<{ token: string; sessionId: string }> {
  const verifiedHash = await module.get(UsersService).passwordHashOf(user.id);
  if (verifiedHash === null) throw new Error(`issueSession: ${user.email} has no password`);
  const account = { id: user.id, email: user.email, createdAt: new Date() };
  const entry = await module
    .get(UnitOfWork)
    .run((transaction) =>
      module.get(SignInDoor).enter(account, { kind: 'password', verifiedHash }, client, transaction),
    );
  if (entry.kind !== 'signed-in') throw new Error(`issueSession: ${user.email} has two-factor on`);
  return { token: entry.issued.token, sessionId: entry.issued.session.id };
}

/** What a request with this token would be: its user and session, or `null` when it proves nothing. */
export function authenticate(module: TestModule, token: string): Promise<AuthContext | null> {
  return module.get(SessionsService).authenticate(token);
}

/** The user's number of active sessions, as `activeSessionCount` would answer. */
export async function activeSessionCount(module: TestModule, userId: string): Promise<number> {
  return module.get(SessionsService).countActive(userId);
}
