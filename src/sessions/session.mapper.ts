import type { Session } from './session.model.js';
import type { StoredSession } from './session.types.js';
import { describeUserAgent } from './user-agent.js';

export function toSessionModel(session: StoredSession, currentSessionId: string | null): Session {
  return {
    id: session.id,
    createdAt: session.createdAt,
    lastActiveAt: session.lastActiveAt,
    expiresAt: session.expiresAt,
    ipAddress: session.ipAddress,
    userAgent: session.userAgent,
    location: session.location,
    ...describeUserAgent(session.userAgent),
    current: session.id === currentSessionId,
    authenticatedAt: session.authenticatedAt,
    signInMethod: session.signInMethod,
    identityProvider: session.identityProvider,
    authenticationFactors: session.authenticationFactors,
  };
}
