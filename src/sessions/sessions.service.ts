import { Injectable } from '@nestjs/common';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { Transaction } from '../database/transaction.js';
import type { UserAccount } from '../users/user-account.js';
import { AuthenticationFactor } from './authentication-factor.js';
import type {
  AuthContext,
  AuthenticatedSession,
  ClientInfo,
  IssuedSession,
  SignInOrigin,
  StoredSession,
} from './session.types.js';
import {
  createSessionSecret,
  formatSessionToken,
  isSessionId,
  parseSessionToken,
  sessionSecretMatches,
} from './session-token.js';
import { SessionsRepository } from './sessions.repository.js';
import { SignInMethod } from './sign-in-method.js';

const MAX_USER_AGENT_LENGTH = 512;
const PASSWORD_SIGN_IN: SignInOrigin = {
  method: SignInMethod.PASSWORD,
  identityProvider: null,
  factors: [AuthenticationFactor.PASSWORD],
};
const CLEANUP_BATCH_SIZE = 1000;

function truncateUserAgent(userAgent: string | null): string | null {
  return userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null;
}

/**
 * The rules of sessions: issuing, proving a token, when activity is written
 * and how far a session renews. Every statement is SessionsRepository's.
 * Starts and ends are written here and announced by the doors (src/doors/),
 * in the transaction that makes them.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Inserts a session row for `user` in `transaction`. Only the sign-in door
   * (src/doors/sign-in-door.ts) calls this: it owns the rules every new
   * session gets (lockdown, the per-user cap, the event, the alert, the notice).
   */
  async issue(
    user: UserAccount,
    client: ClientInfo,
    transaction: Transaction,
    via: SignInOrigin = PASSWORD_SIGN_IN,
  ): Promise<IssuedSession> {
    const { secret, hash } = createSessionSecret();
    const { sessionTtlSeconds: ttl, sessionMaxLifetimeSeconds: maxLifetime } = this.config;
    const session = await this.sessions.insert(
      {
        userId: user.id,
        secretHash: hash,
        ipAddress: client.ipAddress,
        userAgent: truncateUserAgent(client.userAgent),
        location: client.location ?? null,
        lifetimeSeconds: Math.min(ttl, maxLifetime),
        maxLifetimeSeconds: maxLifetime,
        signInMethod: via.method,
        identityProvider: via.identityProvider,
        authenticationFactors: via.factors,
      },
      transaction,
    );
    return { session, token: formatSessionToken(session.id, secret) };
  }

  /**
   * Ends the user's active sessions beyond SESSIONS_PER_USER_MAX, the least
   * recently active first, never `newestId`; their ids. A user's device list,
   * and every read of it, stays bounded (as Google and GitHub do).
   */
  endBeyondLimit(userId: string, newestId: string, transaction: Transaction): Promise<string[]> {
    return this.sessions.endAllButMostRecent(userId, newestId, this.config.sessionsPerUserMax, transaction);
  }

  /** The session and user a token proves; `null` for any token that proves nothing. */
  async authenticate(token: string): Promise<AuthContext | null> {
    const parsed = parseSessionToken(token);
    if (!parsed) return null;
    const row = await this.sessions.findForAuthentication(parsed.sessionId);
    if (!row || !sessionSecretMatches(parsed.secret, row.secretHash)) return null;
    const { id, userId, lastActiveAt, expiresAt, absoluteExpiresAt, userEmail, userCreatedAt } = row;
    return {
      user: { id: userId, email: userEmail, createdAt: userCreatedAt },
      session: { id, userId, lastActiveAt, expiresAt, absoluteExpiresAt },
    };
  }

  /**
   * Whether `session` (as authenticate() just loaded it) is due a write by
   * recordActivity(): the touch interval has passed since its last recorded
   * activity, or less than half its idle lifetime is left to renew. Decided
   * from the loaded row without I/O, so most requests skip the write, and the
   * work of preparing it (the client's address and user agent), altogether.
   */
  activityDue(session: AuthenticatedSession): boolean {
    const { sessionTtlSeconds: ttl, sessionTouchIntervalSeconds: touchInterval } = this.config;
    const now = Date.now();
    const touchDue = now - session.lastActiveAt.getTime() >= touchInterval * 1000;
    // Once capped at the absolute expiry there is nothing left to renew, and
    // without this check every request of the last half-lifetime would write.
    const renewalDue =
      session.expiresAt < session.absoluteExpiresAt && session.expiresAt.getTime() - now < (ttl * 1000) / 2;
    return touchDue || renewalDue;
  }

  /**
   * Records that `session` was used, when activityDue() says so: the last
   * activity, IP (and, when it changed, its location) and user agent at most
   * once per touch interval, and the sliding renewal once less than half the
   * idle lifetime is left.
   * Updates `session` in place; returns whether `expiresAt` moved.
   */
  async recordActivity(session: AuthenticatedSession, client: ClientInfo): Promise<boolean> {
    if (!this.activityDue(session)) return false;
    const touched = await this.sessions.touch({
      sessionId: session.id,
      ipAddress: client.ipAddress,
      userAgent: truncateUserAgent(client.userAgent),
      ttlSeconds: this.config.sessionTtlSeconds,
      touchIntervalSeconds: this.config.sessionTouchIntervalSeconds,
    });
    // None: the session ended meanwhile, or a concurrent request touched it first.
    if (!touched) return false;
    // The one lookup an address change costs; an unchanged address (nearly every touch) costs none.
    if (touched.previousIpAddress !== client.ipAddress) {
      await this.sessions.relocate(session.id, client.ipAddress, client.location ?? null);
    }
    const renewed = touched.expiresAt.getTime() !== session.expiresAt.getTime();
    session.lastActiveAt = touched.lastActiveAt;
    session.expiresAt = touched.expiresAt;
    return renewed;
  }

  /**
   * `activeSessionCount`: the counts asked for by concurrent requests (and by
   * the fields of one response) share one statement.
   */
  countActive(userId: string): Promise<number> {
    return this.sessions.countActive(userId);
  }

  /** The user's active sessions, most recently active first. */
  listActive(userId: string): Promise<StoredSession[]> {
    return this.sessions.listActive(userId);
  }

  // The endings below are statements only: the sign-out door (src/doors/sign-out-door.ts)
  // calls them and writes what every ending gets (the notice, the security event).

  /** Ends one active session of this user; `false` when there was none (or the id is malformed). */
  async end(userId: string, sessionId: string, transaction: Transaction): Promise<boolean> {
    // Client-supplied ids reach here (revokeSession): a malformed one would
    // make PostgreSQL's uuid cast fail with a 500 instead of "not found".
    if (!isSessionId(sessionId)) return false;
    return this.sessions.endOne(userId, sessionId.toLowerCase(), transaction);
  }

  /** Ends every active session of the user except `keepSessionId`, in one statement; how many. */
  endAllExcept(userId: string, keepSessionId: string, transaction: Transaction): Promise<number> {
    return this.sessions.endAllExcept(userId, keepSessionId, transaction);
  }

  /** Ends every active session of the user; how many. */
  endAll(userId: string, transaction: Transaction): Promise<number> {
    return this.sessions.endAll(userId, transaction);
  }

  /**
   * Deletes expired sessions of every user, in batches so that no statement
   * holds many row locks or runs long, and returns how many it deleted.
   * Harmless when several instances run it at once. Expired rows are
   * invisible to everything else anyway, so this only reclaims space.
   */
  async deleteExpired(batchSize = CLEANUP_BATCH_SIZE): Promise<number> {
    let deleted = 0;
    for (;;) {
      const affected = await this.sessions.deleteExpiredBatch(batchSize);
      deleted += affected;
      if (affected < batchSize) return deleted;
    }
  }
}
