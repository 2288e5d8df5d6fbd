import type { ApproximateLocation } from '../geoip/approximate-location.js';
import type { UserAccount } from '../users/user-account.js';
import type { AuthenticationFactor } from './authentication-factor.js';
import type { SessionEntity } from './session.entity.js';
import type { SignInMethod } from './sign-in-method.js';

/** Where a request came from, as recorded on the session. */
export interface ClientInfo {
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  /**
   * Where `ipAddress` appears to be (auth/client-info.ts looks it up when
   * this is first read, so a request that writes no address makes no lookup);
   * absent where no lookup is possible (a test's literal): stored as unknown.
   */
  readonly location?: ApproximateLocation | null;
}

/** A session as issued and listed: every column but the secret's hash. */
export type StoredSession = Omit<SessionEntity, 'user' | 'secretHash'>;

export interface IssuedSession {
  readonly session: StoredSession;
  /** `<id>.<secret>`: shown to the client once, never stored. */
  readonly token: string;
}

/**
 * A session as a signed-in request carries it: what its id is and what
 * deciding on its activity and renewal takes. The device details (address,
 * user agent, start) are read where they are shown (the device list), so the
 * lookup every request makes does not load them.
 */
export type AuthenticatedSession = Pick<
  SessionEntity,
  'id' | 'userId' | 'lastActiveAt' | 'expiresAt' | 'absoluteExpiresAt'
>;

/** A request's proven identity: the session its token names, and that session's user. */
export interface AuthContext {
  readonly user: UserAccount;
  readonly session: AuthenticatedSession;
}

/** How a new session proved its user: the method, the identity provider's id for OIDC, and every factor in order. */
export interface SignInOrigin {
  readonly method: SignInMethod;
  readonly identityProvider: string | null;
  readonly factors: readonly AuthenticationFactor[];
}
