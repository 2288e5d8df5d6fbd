import type { WebSocket } from 'ws';

import type { AuthContext } from '../sessions/session.types.js';
import type { SessionEndReason } from '../sessions/session-events.js';
import { toUserModel } from '../users/user.mapper.js';
import type { User } from '../users/user.model.js';
import { EventStream } from './event-stream.js';
import type { SessionEnded } from './session-ended.model.js';

/** The close codes of this endpoint beyond graphql-ws's own (docs/live-updates.md). */
export const LiveCloseCode = {
  /** No valid session when the connection opened. */
  Unauthenticated: 4401,
  /** The connection's session ended (after `currentSessionEnded`, when subscribed). */
  SessionEnded: 4403,
  /**
   * The session already holds LIVE_MAX_CONNECTIONS_PER_SESSION sockets. Not 4429: graphql-ws
   * closes with that for a second connection_init, and a client must tell the two apart.
   */
  TooManyConnections: 4430,
  /** The socket sent more than LIVE_MAX_MESSAGES_PER_MINUTE messages. */
  TooManyMessages: 4431,
  /** A message other than connection_init before the connection was acknowledged (graphql-ws's code for it). */
  NotInitialised: 4401,
  /** A bearer token and a session cookie that name different sessions. */
  ConflictingCredentials: 4400,
  /** The server is shutting down: reconnect (to another instance). */
  GoingAway: 1001,
  /**
   * The session could not be checked (the database kept failing the read): reconnect, and
   * connection_init proves the session again. WebSocket's "try again later".
   */
  Unverified: 1013,
} as const;

/** How long the last event may take to reach a slow client before the socket closes anyway. */
const LAST_EVENT_GRACE_MS = 2_000;

/**
 * One authenticated socket: the session that opened it, and the streams of
 * its subscriptions. `end()` tells the subscribers why and closes it; a socket
 * never outlives its session, subscribed or not.
 */
export class LiveConnection {
  private readonly endedStreams = new Set<EventStream<SessionEnded>>();
  private readonly accountStreams = new Set<EventStream<User>>();
  private ending = false;
  /** The idle expiry as last read; renewed by requests on other channels (HTTP). */
  expiresAt: Date;

  constructor(
    readonly socket: WebSocket,
    readonly auth: AuthContext,
    /** Kept in memory only, to prove the session again on each new operation. */
    readonly token: string,
  ) {
    this.expiresAt = auth.session.expiresAt;
  }

  get sessionId(): string {
    return this.auth.session.id;
  }

  get userId(): string {
    return this.auth.user.id;
  }

  get isEnding(): boolean {
    return this.ending;
  }

  /** Subscriptions running on this socket (its streams). */
  get subscriptionCount(): number {
    return this.endedStreams.size + this.accountStreams.size;
  }

  sessionEnded(): EventStream<SessionEnded> {
    return this.register(this.endedStreams);
  }

  accountChanges(): EventStream<User> {
    return this.register(this.accountStreams);
  }

  accountChanged(): void {
    if (this.ending) return;
    for (const stream of this.accountStreams) void stream.push(toUserModel(this.auth.user));
  }

  /** Sends `currentSessionEnded` to its subscribers, then closes with 4403. Once. */
  async end(reason: SessionEndReason): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    for (const stream of this.accountStreams) stream.finish();
    const event = { sessionId: this.sessionId, reason };
    const delivered = Promise.all([...this.endedStreams].map((stream) => stream.push(event)));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, LAST_EVENT_GRACE_MS)));
    await Promise.race([delivered, grace]);
    clearTimeout(timer);
    this.close(LiveCloseCode.SessionEnded, 'Session ended');
  }

  close(code: number, reason: string): void {
    this.ending = true;
    for (const stream of [...this.endedStreams, ...this.accountStreams]) stream.finish();
    this.socket.close(code, reason);
  }

  private register<T>(streams: Set<EventStream<T>>): EventStream<T> {
    const stream: EventStream<T> = new EventStream<T>(() => streams.delete(stream));
    if (this.ending) stream.finish();
    else streams.add(stream);
    return stream;
  }
}
