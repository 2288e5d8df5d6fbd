import type { SessionEntity } from './session.entity.js';
import type { Session } from './session.model.js';
import { describeUserAgent } from './user-agent.js';

export function toSessionModel(entity: SessionEntity, currentSessionId: string | null): Session {
  return {
    id: entity.id,
    createdAt: entity.createdAt,
    lastActiveAt: entity.lastActiveAt,
    expiresAt: entity.expiresAt,
    ipAddress: entity.ipAddress,
    userAgent: entity.userAgent,
    ...describeUserAgent(entity.userAgent),
    current: entity.id === currentSessionId,
  };
}
