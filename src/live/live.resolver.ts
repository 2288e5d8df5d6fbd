import { Context, Resolver, Subscription } from '@nestjs/graphql';

import { User } from '../users/user.model.js';
import type { EventStream } from './event-stream.js';
import { liveConnectionOf, type LiveContext } from './live-context.js';
import { SessionEnded } from './session-ended.model.js';

/** The subscriptions; each hands graphql-ws a stream of its connection. */
@Resolver()
export class LiveResolver {
  @Subscription(() => SessionEnded, {
    description:
      'Emits once when the session that opened the connection ends, whichever instance ended it; then the server closes the connection.',
    resolve: (event: SessionEnded) => event,
  })
  currentSessionEnded(@Context() context: LiveContext): EventStream<SessionEnded> {
    return liveConnectionOf(context).sessionEnded();
  }

  @Subscription(() => User, {
    description:
      'Emits the account whenever one of its sessions starts or ends, so a page can show its devices live.',
    resolve: (user: User) => user,
  })
  accountSessionsChanged(@Context() context: LiveContext): EventStream<User> {
    return liveConnectionOf(context).accountChanges();
  }
}
