import { describeUserAgent } from '../sessions/user-agent.js';
import type { SecurityEventConnection } from './security-event.model.js';
import type { SecurityEventPage, StoredSecurityEvent } from './security-event.types.js';
import { encodeCursor } from './security-event-cursor.js';

/** A page as the connection shows it; the user agent is parsed here, when read. */
export function toSecurityEventConnection({
  events,
  hasNextPage,
}: SecurityEventPage): SecurityEventConnection {
  const edges = events.map((event) => ({ cursor: cursorOf(event), node: toNode(event) }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

function cursorOf(event: StoredSecurityEvent): string {
  return encodeCursor({ occurredAtMicros: event.positionMicros, id: event.id });
}

function toNode(event: StoredSecurityEvent) {
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    ipAddress: event.ipAddress,
    location: event.location,
    ...describeUserAgent(event.userAgent),
    sessionId: event.sessionId,
    actorSessionId: event.actorSessionId,
    endedSessionCount: event.endedSessionCount,
    signInMethod: event.signInMethod,
  };
}
