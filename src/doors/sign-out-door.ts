import { Injectable } from '@nestjs/common';

import type { Transaction } from '../database/transaction.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo } from '../sessions/session.types.js';
import { SessionEndReason, type SessionEvent, SessionEvents } from '../sessions/session-events.js';
import { SessionStepUpService } from '../sessions/session-step-up.service.js';
import { SessionsService } from '../sessions/sessions.service.js';

/** Why sessions end: each cause has one scope, one reason told to the sockets, and its event. */
export enum EndingCause {
  /** signOut: the acting session. */
  SIGN_OUT = 'SIGN_OUT',
  /** revokeSession: one session by id; another than the acting one needs the sudo window. */
  REVOKE = 'REVOKE',
  /** signOutOtherSessions: all but the acting session, in the sudo window. */
  SIGN_OUT_OTHERS = 'SIGN_OUT_OTHERS',
  /** A sign-in beyond SESSIONS_PER_USER_MAX: the least recently active, never the new one. */
  SESSION_LIMIT = 'SESSION_LIMIT',
  /** changePassword: all but the acting session (the change writes its own event). */
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  /** resetPassword: every session (the door in writes PASSWORD_RESET with the count). */
  PASSWORD_RESET = 'PASSWORD_RESET',
  /** "This wasn't me": every session (the report writes its own event). */
  UNRECOGNIZED_SIGN_IN_REPORTED = 'UNRECOGNIZED_SIGN_IN_REPORTED',
  /** confirmTotpEnrollment: all but the acting session (they proved one factor; the enabling writes its event). */
  TWO_FACTOR_ENABLED = 'TWO_FACTOR_ENABLED',
}

/** Who ends the sessions: the acting session (`null` for an emailed link) and where the request came from. */
export interface EndingActor {
  readonly sessionId: string | null;
  readonly client: ClientInfo;
}

interface EndingRule {
  /** What is told to each ended session's sockets. */
  readonly reason: SessionEndReason;
  /** The security event of the ending itself; `null` when the change that caused it writes its own. */
  readonly event: SecurityEventType | null;
}

const RULES: Record<EndingCause, EndingRule> = {
  [EndingCause.SIGN_OUT]: { reason: SessionEndReason.SIGNED_OUT, event: SecurityEventType.SIGNED_OUT },
  [EndingCause.REVOKE]: { reason: SessionEndReason.REVOKED, event: SecurityEventType.SESSION_REVOKED },
  [EndingCause.SIGN_OUT_OTHERS]: {
    reason: SessionEndReason.SIGNED_OUT_BY_OTHER_SESSION,
    event: SecurityEventType.OTHER_SESSIONS_SIGNED_OUT,
  },
  // To the device pushed out by a newer sign-in of the same user, a revocation.
  [EndingCause.SESSION_LIMIT]: { reason: SessionEndReason.REVOKED, event: SecurityEventType.SESSION_REVOKED },
  [EndingCause.PASSWORD_CHANGED]: { reason: SessionEndReason.PASSWORD_CHANGED, event: null },
  [EndingCause.PASSWORD_RESET]: { reason: SessionEndReason.PASSWORD_RESET, event: null },
  [EndingCause.UNRECOGNIZED_SIGN_IN_REPORTED]: {
    reason: SessionEndReason.UNRECOGNIZED_SIGN_IN_REPORTED,
    event: null,
  },
  [EndingCause.TWO_FACTOR_ENABLED]: { reason: SessionEndReason.TWO_FACTOR_ENABLED, event: null },
};

/** What one ending removed: the ids when known, else how many (bulk endings name what they kept). */
interface Ended {
  readonly count: number;
  readonly notice: Omit<Extract<SessionEvent, { kind: 'ended' }>, 'kind' | 'userId' | 'reason'>;
  readonly sessionIds?: readonly string[];
}

/**
 * One door out: every way sessions end goes through `end()`, which deletes
 * (scoped to the user, gated by the sudo window where the cause needs it),
 * announces the ending to every instance's sockets (NOTIFY) and writes its
 * security event, all in the caller's transaction. Expired sessions are not
 * ended here: they ended at their expiry (announced by the live expiry timer);
 * the cleanup job only reclaims their rows.
 */
@Injectable()
export class SignOutDoor {
  constructor(
    private readonly sessions: SessionsService,
    private readonly stepUp: SessionStepUpService,
    private readonly events: SessionEvents,
    private readonly securityLog: SecurityLogService,
  ) {}

  /**
   * Ends the sessions `cause` names (`targetId`: the session to revoke, or the
   * new session a limit keeps) and returns how many ended.
   */
  async end(
    userId: string,
    cause: EndingCause,
    actor: EndingActor,
    transaction: Transaction,
    targetId?: string,
  ): Promise<number> {
    const ended = await this.remove(userId, cause, actor, transaction, targetId);
    const rule = RULES[cause];
    if (ended.count > 0) {
      const ownSession = cause === EndingCause.REVOKE && targetId?.toLowerCase() === actor.sessionId;
      const reason = ownSession ? SessionEndReason.SIGNED_OUT : rule.reason;
      await this.events.publish({ kind: 'ended', userId, reason, ...ended.notice }, transaction);
    }
    // "Signed out of 0 other sessions" was still the person's action: logged like any other.
    const logged = ended.count > 0 || cause === EndingCause.SIGN_OUT_OTHERS;
    if (rule.event && logged) await this.record(userId, rule.event, actor, ended, transaction);
    return ended.count;
  }

  private async remove(
    userId: string,
    cause: EndingCause,
    actor: EndingActor,
    transaction: Transaction,
    targetId?: string,
  ): Promise<Ended> {
    const acting = actor.sessionId;
    switch (cause) {
      case EndingCause.SIGN_OUT:
        return this.removeOne(userId, acting!, await this.sessions.end(userId, acting!, transaction));
      case EndingCause.REVOKE: {
        const target = targetId!.toLowerCase();
        const removed =
          target === acting
            ? await this.sessions.end(userId, target, transaction)
            : await this.stepUp.endOther(userId, acting!, target, transaction);
        return this.removeOne(userId, target, removed);
      }
      case EndingCause.SIGN_OUT_OTHERS: {
        const count = await this.stepUp.endAllExcept(userId, acting!, transaction);
        return { count, notice: { keptSessionId: acting! } };
      }
      case EndingCause.SESSION_LIMIT: {
        const ids = await this.sessions.endBeyondLimit(userId, targetId!, transaction);
        return { count: ids.length, notice: { sessionIds: ids }, sessionIds: ids };
      }
      case EndingCause.PASSWORD_CHANGED:
      case EndingCause.TWO_FACTOR_ENABLED: {
        const count = await this.sessions.endAllExcept(userId, acting!, transaction);
        return { count, notice: { keptSessionId: acting! } };
      }
      case EndingCause.PASSWORD_RESET:
      case EndingCause.UNRECOGNIZED_SIGN_IN_REPORTED:
        return { count: await this.sessions.endAll(userId, transaction), notice: { all: true } };
    }
  }

  private removeOne(userId: string, sessionId: string, removed: boolean): Ended {
    const ids = removed ? [sessionId.toLowerCase()] : [];
    return { count: ids.length, notice: { sessionIds: ids }, sessionIds: ids };
  }

  /** One event per session named (a revocation, a limit), or one for a bulk ending with its count. */
  private async record(
    userId: string,
    type: SecurityEventType,
    actor: EndingActor,
    ended: Ended,
    transaction: Transaction,
  ): Promise<void> {
    const common = { type, userId, actorSessionId: actor.sessionId, ...actor.client };
    if (!ended.sessionIds) {
      await this.securityLog.record({ ...common, endedSessionCount: ended.count }, transaction);
      return;
    }
    for (const sessionId of ended.sessionIds) {
      await this.securityLog.record({ ...common, sessionId }, transaction);
    }
  }
}
