import type { ApproximateLocation } from '../geoip/approximate-location.js';
import type { SignInMethod } from '../sessions/sign-in-method.js';
import type { SecurityEventEntity } from './security-event.entity.js';
import type { SecurityEventType } from './security-event-type.js';

/** What is recorded; the time is the database's, set when the row is written. */
export interface NewSecurityEvent {
  readonly type: SecurityEventType;
  readonly userId: string;
  /** The session the event concerns (the new one, the ended one …). */
  readonly sessionId?: string | null;
  /** The session that made the request, when there was one. */
  readonly actorSessionId?: string | null;
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  /** Where `ipAddress` appears to be (ClientInfo's, spread in with it); absent: unknown. */
  readonly location?: ApproximateLocation | null;
  readonly endedSessionCount?: number | null;
  /** For the events of a new session: how it began. */
  readonly signInMethod?: SignInMethod | null;
}

/** A stored event, with its position in the user's log (microseconds since the epoch, as text). */
export type StoredSecurityEvent = Omit<SecurityEventEntity, 'user'> & { readonly positionMicros: string };

/** Where a page starts: just older than this event. */
export interface SecurityEventPosition {
  readonly occurredAtMicros: string;
  readonly id: string;
}

export interface SecurityEventPage {
  readonly events: StoredSecurityEvent[];
  readonly hasNextPage: boolean;
}
