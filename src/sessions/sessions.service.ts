import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, type FindOptionsWhere, Not, Raw, Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { CoalescingLookup } from '../database/coalescing-lookup.js';
import { PreparedStatement } from '../database/prepared-statement.js';
import type { UserAccount } from '../users/user-account.js';
import { SessionEntity } from './session.entity.js';
import {
  createSessionSecret,
  formatSessionToken,
  isSessionId,
  parseSessionToken,
  sessionSecretMatches,
} from './session-token.js';

/** Where a request came from, as recorded on the session. */
export interface ClientInfo {
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
}

export interface IssuedSession {
  readonly session: SessionEntity;
  /** `<id>.<secret>`: shown to the client once, never stored. */
  readonly token: string;
}

/**
 * A session as a signed-in request carries it: what its id is and what
 * deciding on its activity and renewal takes. The device details (address,
 * user agent, start) are read where they are shown, by listActive(), so the
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

/** A session row with its user's columns, as the authentication statement returns it. */
interface AuthenticationRow extends AuthenticatedSession {
  secretHash: Buffer;
  userEmail: string;
  userCreatedAt: Date;
}

/** A user's number of active sessions; users with none have no row. */
interface ActiveCountRow {
  userId: string;
  count: number;
}

/** What the touch's RETURNING hands back. */
interface TouchedRow {
  last_active_at: Date;
  expires_at: Date;
}

const MAX_USER_AGENT_LENGTH = 512;
const CLEANUP_BATCH_SIZE = 1000;

/**
 * The single definition of an active session. The guard, the count, the list,
 * the deletes, the touch and (negated) the cleanup all go through it, so they
 * can never disagree about which sessions exist. The database's clock decides,
 * so instances with skewed clocks agree. `expires_at` alone is enough because
 * every write keeps it at or below `absolute_expires_at` (a CHECK enforces it).
 */
const isActive = (column: string): string => `${column} > now()`;

function active(where: FindOptionsWhere<SessionEntity>): FindOptionsWhere<SessionEntity> {
  return { ...where, expiresAt: Raw(isActive) };
}

function truncateUserAgent(userAgent: string | null): string | null {
  return userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null;
}

@Injectable()
export class SessionsService {
  private activeCounts?: CoalescingLookup<string, ActiveCountRow>;
  private sessionLookup?: CoalescingLookup<string, AuthenticationRow>;

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async issue(user: UserAccount, client: ClientInfo): Promise<IssuedSession> {
    const { secret, hash } = createSessionSecret();
    const { sessionTtlSeconds: ttl, sessionMaxLifetimeSeconds: maxLifetime } = this.config;
    // The database's clock sets every time, as it judges them in active(); one
    // statement's now() is one instant, so created_at + max lifetime is exactly
    // absolute_expires_at.
    const { generatedMaps } = await this.sessions
      .createQueryBuilder()
      .insert()
      .values({
        userId: user.id,
        secretHash: hash,
        ipAddress: client.ipAddress,
        userAgent: truncateUserAgent(client.userAgent),
        expiresAt: () => 'now() + make_interval(secs => :firstLifetime)',
        absoluteExpiresAt: () => 'now() + make_interval(secs => :maxLifetime)',
      })
      .setParameters({ firstLifetime: Math.min(ttl, maxLifetime), maxLifetime })
      .returning('*')
      .execute();
    const session = this.sessions.create(generatedMaps[0] as Partial<SessionEntity>);
    return { session, token: formatSessionToken(session.id, secret) };
  }

  /**
   * The session and user a token proves, in one query; `null` for any token
   * that proves nothing. Lookups of concurrent requests share that query
   * (CoalescingLookup): under load a request costs less than one round trip.
   */
  async authenticate(token: string): Promise<AuthContext | null> {
    const parsed = parseSessionToken(token);
    if (!parsed) return null;
    this.sessionLookup ??= this.createSessionLookup();
    const row = await this.sessionLookup.find(parsed.sessionId);
    if (!row || !sessionSecretMatches(parsed.secret, row.secretHash)) return null;
    const { id, userId, lastActiveAt, expiresAt, absoluteExpiresAt, userEmail, userCreatedAt } = row;
    return {
      user: { id: userId, email: userEmail, createdAt: userCreatedAt },
      session: { id, userId, lastActiveAt, expiresAt, absoluteExpiresAt },
    };
  }

  /**
   * Every authenticated request runs this statement: a named prepared
   * statement, no query builder per call. (`findOne` with a relation sent two
   * statements, SELECT DISTINCT … LIMIT 1 then the join, both planned anew each
   * time: bench/results/README.md.) It takes an array of session ids; the
   * primary key serves `id = ANY($1)` as it serves `id = $1`.
   */
  private createSessionLookup(): CoalescingLookup<string, AuthenticationRow> {
    const statement = PreparedStatement.fromQueryBuilder<AuthenticationRow>(
      this.sessions.manager.dataSource,
      'sessions_authenticate',
      (sessionIdsSlot) =>
        this.sessions
          .createQueryBuilder('session')
          .innerJoin('session.user', 'user')
          .select([
            'session.id AS "id"',
            'session.user_id AS "userId"',
            'session.secret_hash AS "secretHash"',
            'session.last_active_at AS "lastActiveAt"',
            'session.expires_at AS "expiresAt"',
            'session.absolute_expires_at AS "absoluteExpiresAt"',
            'user.email AS "userEmail"',
            'user.created_at AS "userCreatedAt"',
          ])
          .where(
            active({ id: Raw((column) => `${column} = ANY(:sessionIds)`, { sessionIds: sessionIdsSlot }) }),
          ),
    );
    return new CoalescingLookup(
      (sessionIds) => statement.run(sessionIds),
      (row) => row.id,
    );
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
   * sliding renewal once less than half the idle lifetime is left. The write is
   * one UPDATE, which the database re-checks (another request may have touched
   * the row meanwhile, and the app's clock is not the one that counts).
   * Updates `session` in place; returns whether `expiresAt` moved.
   */
  async recordActivity(session: AuthenticatedSession, client: ClientInfo): Promise<boolean> {
    if (!this.activityDue(session)) return false;
    const { sessionTtlSeconds: ttl, sessionTouchIntervalSeconds: touchInterval } = this.config;

    const renewalDueSql =
      'expires_at < absolute_expires_at AND expires_at < now() + make_interval(secs => :halfTtl)';
    const result = await this.sessions
      .createQueryBuilder()
      .update()
      .set({
        lastActiveAt: () => 'now()',
        ipAddress: client.ipAddress,
        userAgent: truncateUserAgent(client.userAgent),
        expiresAt: () =>
          `CASE WHEN ${renewalDueSql} THEN least(now() + make_interval(secs => :ttl), absolute_expires_at) ELSE expires_at END`,
      })
      // An UPDATE, never an upsert: a session ended meanwhile stays ended.
      .where(active({ id: session.id }))
      .andWhere(`(last_active_at <= now() - make_interval(secs => :touchInterval) OR (${renewalDueSql}))`)
      .setParameters({ ttl, halfTtl: ttl / 2, touchInterval })
      .returning('last_active_at, expires_at')
      .execute();
    // No row: the session ended meanwhile, or a concurrent request touched it first.
    const [row] = result.raw as TouchedRow[];
    if (!row) return false;
    const renewed = row.expires_at.getTime() !== session.expiresAt.getTime();
    session.lastActiveAt = row.last_active_at;
    session.expiresAt = row.expires_at;
    return renewed;
  }

  /**
   * `activeSessionCount` of several users in one statement: the batch of the
   * per-request DataLoader. Every user asked for is in the map (0 when none is active).
   */
  async countActiveByUser(userIds: readonly string[]): Promise<Map<string, number>> {
    const lookup = (this.activeCounts ??= this.createActiveCountLookup());
    const counted = await Promise.all(userIds.map((userId) => lookup.find(userId)));
    return new Map(userIds.map((userId, i) => [userId, counted[i]?.count ?? 0]));
  }

  /**
   * One `GROUP BY` statement for a batch of users, shared by the requests in
   * flight at the same moment (CoalescingLookup), as the session lookup is.
   */
  private createActiveCountLookup(): CoalescingLookup<string, ActiveCountRow> {
    const statement = PreparedStatement.fromQueryBuilder<ActiveCountRow>(
      this.sessions.manager.dataSource,
      'sessions_count_active_by_user',
      (userIdsSlot) =>
        this.sessions
          .createQueryBuilder('session')
          .select('session.userId', 'userId')
          // int4, which pg hands back as a number (a bigint would come back as a string).
          .addSelect('count(*)::int', 'count')
          .where(active({ userId: Raw((column) => `${column} = ANY(:userIds)`, { userIds: userIdsSlot }) }))
          .groupBy('session.userId'),
    );
    return new CoalescingLookup(
      (userIds) => statement.run(userIds),
      (row) => row.userId,
    );
  }

  /** The user's active sessions, most recently active first. */
  listActive(userId: string): Promise<SessionEntity[]> {
    return this.sessions.find({
      where: active({ userId }),
      // The id breaks ties, so the order is stable between two reads.
      order: { lastActiveAt: 'DESC', id: 'ASC' },
    });
  }

  /** Ends one session of this user; `false` when the user has no such active session. */
  async end(userId: string, sessionId: string): Promise<boolean> {
    // Client-supplied ids reach here (revokeSession): a malformed one would
    // make PostgreSQL's uuid cast fail with a 500 instead of "not found".
    if (!isSessionId(sessionId)) return false;
    const result = await this.sessions.delete(active({ userId, id: sessionId.toLowerCase() }));
    return (result.affected ?? 0) > 0;
  }

  /**
   * Ends every active session of the user except `keepSessionId`, in one
   * statement, and says how many it ended. The user id in the WHERE clause is
   * what keeps this from ever touching another user's sessions. Pass `manager`
   * to run it inside a caller's transaction.
   */
  async endAllExcept(userId: string, keepSessionId: string, manager?: EntityManager): Promise<number> {
    const sessions = manager?.getRepository(SessionEntity) ?? this.sessions;
    const result = await sessions.delete(active({ userId, id: Not(keepSessionId) }));
    return result.affected ?? 0;
  }

  /**
   * Deletes expired sessions of every user, in batches so that no statement
   * holds many row locks or runs long, and returns how many it deleted.
   * Harmless when several instances run it at once: SKIP LOCKED hands each
   * one rows the others are not deleting, and a row already gone is simply
   * not found. Expired rows are invisible to everything else anyway (active()),
   * so this only reclaims space.
   */
  async deleteExpired(batchSize = CLEANUP_BATCH_SIZE): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { affected } = await this.sessions
        .createQueryBuilder()
        .delete()
        .where(
          `id IN (SELECT id FROM sessions WHERE NOT (${isActive('expires_at')}) LIMIT :batchSize FOR UPDATE SKIP LOCKED)`,
          { batchSize },
        )
        .execute();
      deleted += affected ?? 0;
      if ((affected ?? 0) < batchSize) return deleted;
    }
  }
}
