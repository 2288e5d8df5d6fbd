import { Injectable } from '@nestjs/common';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { type Transaction, UnitOfWork } from '../database/transaction.js';
import type { UserAccount } from '../users/user-account.js';
import type {
  AuthContext,
  AuthenticatedSession,
  ClientInfo,
  IssuedSession,
  SignInOrigin,
  StoredSession,
} from './session.types.js';
import { SessionEndReason, SessionEvents } from './session-events.js';
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
const PASSWORD_SIGN_IN: SignInOrigin = { method: SignInMethod.PASSWORD, identityProvider: null };
const CLEANUP_BATCH_SIZE = 1000;

function truncateUserAgent(userAgent: string | null): string | null {
  return userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null;
}

/**
 * The rules of sessions: issuing, proving a token, when activity is written
 * and how far a session renews. Every statement is SessionsRepository's.
 * Every start and end is announced (SessionEvents) in the transaction that
 * makes it, so the live connections of every instance hear of it.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly events: SessionEvents,
    private readonly unitOfWork: UnitOfWork,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Starts a session for `user` in `transaction`. A user keeps at most
   * SESSIONS_PER_USER_MAX active sessions: beyond it the least recently active
   * end, in the same transaction (as Google and GitHub do), so one account
   * cannot grow its device list, and every read of it, without bound.
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
        lifetimeSeconds: Math.min(ttl, maxLifetime),
        maxLifetimeSeconds: maxLifetime,
        signInMethod: via.method,
        identityProvider: via.identityProvider,
      },
      transaction,
    );
    const ended = await this.sessions.endAllButMostRecent(
      user.id,
      session.id,
      this.config.sessionsPerUserMax,
      transaction,
    );
    // A session pushed out by a newer one of the same user was ended by that
    // user's action elsewhere: to its device, a revocation.
    if (ended.length > 0) {
      const reason = SessionEndReason.REVOKED;
      await this.events.publish({ kind: 'ended', userId: user.id, reason, sessionIds: ended }, transaction);
    }
    await this.events.publish({ kind: 'started', userId: user.id }, transaction);
    return { session, token: formatSessionToken(session.id, secret) };
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
   * activity, IP and user agent at most once per touch interval, and the
   * sliding renewal once less than half the idle lifetime is left.
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

  /**
   * Ends one session of this user; `false` when the user has no such active
   * session. Inside `transaction` when given; announced in it either way.
   */
  async end(
    userId: string,
    sessionId: string,
    reason: SessionEndReason,
    transaction?: Transaction,
  ): Promise<boolean> {
    // Client-supplied ids reach here (revokeSession): a malformed one would
    // make PostgreSQL's uuid cast fail with a 500 instead of "not found".
    if (!isSessionId(sessionId)) return false;
    const id = sessionId.toLowerCase();
    const work = async (tx: Transaction): Promise<boolean> => {
      if (!(await this.sessions.endOne(userId, id, tx))) return false;
      await this.events.publish({ kind: 'ended', userId, reason, sessionIds: [id] }, tx);
      return true;
    };
    return transaction ? work(transaction) : this.unitOfWork.run(work);
  }

  /**
   * Ends every active session of the user except `keepSessionId`, in one
   * statement, and says how many it ended; inside `transaction` when given.
   * One notification however many ended: it names the session kept.
   */
  async endAllExcept(
    userId: string,
    keepSessionId: string,
    reason: SessionEndReason,
    transaction?: Transaction,
  ): Promise<number> {
    const work = async (tx: Transaction): Promise<number> => {
      const ended = await this.sessions.endAllExcept(userId, keepSessionId, tx);
      if (ended > 0) {
        await this.events.publish({ kind: 'ended', userId, reason, keptSessionId: keepSessionId }, tx);
      }
      return ended;
    };
    return transaction ? work(transaction) : this.unitOfWork.run(work);
  }

  /** Ends every active session of the user in `transaction`, announced as one event; how many. */
  async endAll(userId: string, reason: SessionEndReason, transaction: Transaction): Promise<number> {
    const ended = await this.sessions.endAll(userId, transaction);
    if (ended > 0) await this.events.publish({ kind: 'ended', userId, reason, all: true }, transaction);
    return ended;
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
