import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { SessionsService } from './sessions.service.js';

/** `activeSessionCount` by user id, batched within one request. */
export type SessionCountLoader = DataLoader<string, number>;

/**
 * Builds each request's loader. A singleton, called from the GraphQL context
 * factory: a `Scope.REQUEST` provider would make Nest rebuild every resolver
 * that depends on it, per request.
 */
@Injectable()
export class SessionCountLoaderFactory {
  constructor(private readonly sessions: SessionsService) {}

  create(): SessionCountLoader {
    return new DataLoader<string, number>(
      async (userIds) => {
        const counts = await this.sessions.countActiveByUser(userIds);
        return userIds.map((userId) => counts.get(userId) ?? 0);
      },
      // Batching without memoising: a mutation changes the count mid-request
      // (signIn adds a session, signOutOtherSessions removes them), and its
      // payload must show the count after the write, not one read before it.
      // GraphQL runs mutations one after another, so one batch never spans a write.
      { cache: false },
    );
  }
}
