import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type FindOptionsWhere, Not, Raw, Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { PreparedStatement } from '../database/prepared-statement.js';
import type { UserEntity } from '../users/user.entity.js';
import { SessionEntity } from './session.entity.js';
import {
  createSessionSecret,
  formatSessionToken,
  parseSessionToken,
  sessionSecretMatches,
} from './session-token.js';

/** Where a sign-in came from, as recorded on the session. */
export interface ClientInfo {
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
}

export interface IssuedSession {
  readonly session: SessionEntity;
  /** `<id>.<secret>`: shown to the client once, never stored. */
  readonly token: string;
}

/** A request's proven identity: the session its token names, and that session's user. */
export interface AuthContext {
  readonly user: UserEntity;
  readonly session: SessionEntity;
}

const MAX_USER_AGENT_LENGTH = 512;

/**
 * The single definition of an active session. The guard, the count and the
 * deletes all go through it, so they can never disagree about which sessions
 * exist. The database's clock decides, so instances with skewed clocks agree.
 */
function active(where: FindOptionsWhere<SessionEntity>): FindOptionsWhere<SessionEntity> {
  return { ...where, expiresAt: Raw((column) => `${column} > now()`) };
}

@Injectable()
export class SessionsService {
  private countByUser?: PreparedStatement<{ userId: string; count: number }>;

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async issue(user: UserEntity, client: ClientInfo): Promise<IssuedSession> {
    const { secret, hash } = createSessionSecret();
    const session = await this.sessions.save(
      this.sessions.create({
        userId: user.id,
        secretHash: hash,
        expiresAt: new Date(Date.now() + this.config.sessionTtlSeconds * 1000),
        ipAddress: client.ipAddress,
        userAgent: client.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
      }),
    );
    return { session, token: formatSessionToken(session.id, secret) };
  }

  /** The session and user a token proves, in one query; `null` for any token that proves nothing. */
  async authenticate(token: string): Promise<AuthContext | null> {
    const parsed = parseSessionToken(token);
    if (!parsed) return null;
    const session = await this.sessions.findOne({
      where: active({ id: parsed.sessionId }),
      relations: { user: true },
    });
    if (!session?.user || !sessionSecretMatches(parsed.secret, session.secretHash)) return null;
    return { user: session.user, session };
  }

  /**
   * `activeSessionCount` of several users in one statement: the batch of the
   * per-request DataLoader. Users with no active session are absent (count 0).
   */
  async countActiveByUser(userIds: readonly string[]): Promise<Map<string, number>> {
    this.countByUser ??= PreparedStatement.fromQueryBuilder<{ userId: string; count: number }>(
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
    const rows = await this.countByUser.run([...new Set(userIds)]);
    return new Map(rows.map((row) => [row.userId, row.count]));
  }

  /** Ends one session of this user; `false` when the user has no such active session. */
  async end(userId: string, sessionId: string): Promise<boolean> {
    const result = await this.sessions.delete(active({ userId, id: sessionId }));
    return (result.affected ?? 0) > 0;
  }

  /**
   * Ends every active session of the user except `keepSessionId`, in one
   * statement, and says how many it ended. The user id in the WHERE clause is
   * what keeps this from ever touching another user's sessions.
   */
  async endAllExcept(userId: string, keepSessionId: string): Promise<number> {
    const result = await this.sessions.delete(active({ userId, id: Not(keepSessionId) }));
    return result.affected ?? 0;
  }
}
