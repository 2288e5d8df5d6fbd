import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type FindOptionsWhere, Not, Raw, Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
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
  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async issue(user: UserEntity, client: ClientInfo): Promise<IssuedSession> {
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
        userAgent: client.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
        expiresAt: () => 'now() + make_interval(secs => :firstLifetime)',
        absoluteExpiresAt: () => 'now() + make_interval(secs => :maxLifetime)',
      })
      .setParameters({ firstLifetime: Math.min(ttl, maxLifetime), maxLifetime })
      .returning('*')
      .execute();
    const session = this.sessions.create(generatedMaps[0] as Partial<SessionEntity>);
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

  countActive(userId: string): Promise<number> {
    return this.sessions.countBy(active({ userId }));
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
