import { Injectable } from '@nestjs/common';

import type { SessionEndReason, SessionEvent } from '../sessions/session-events.js';
import type { LiveConnection } from './live-connection.js';

/**
 * This instance's open, authenticated sockets, by session and by user, and
 * what a session event does to them. Nothing here is shared with other
 * instances: each hears every event (LISTEN) and acts on its own sockets.
 */
@Injectable()
export class LiveConnections {
  private readonly bySession = new Map<string, Set<LiveConnection>>();
  private readonly byUser = new Map<string, Set<LiveConnection>>();
  /** How many events were applied so far: a socket authenticated across one is checked again. */
  eventsApplied = 0;

  add(connection: LiveConnection): void {
    addTo(this.bySession, connection.sessionId, connection);
    addTo(this.byUser, connection.userId, connection);
  }

  remove(connection: LiveConnection): void {
    removeFrom(this.bySession, connection.sessionId, connection);
    removeFrom(this.byUser, connection.userId, connection);
  }

  countOfSession(sessionId: string): number {
    return this.bySession.get(sessionId)?.size ?? 0;
  }

  ofUser(userId: string): LiveConnection[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  all(): LiveConnection[] {
    return [...this.bySession.values()].flatMap((connections) => [...connections]);
  }

  get size(): number {
    let size = 0;
    for (const connections of this.bySession.values()) size += connections.size;
    return size;
  }

  /**
   * Ends the sockets of the sessions an event names and tells the user's
   * other sockets that the account changed. A bulk ending names the session
   * kept: the others of the user are returned, to be checked against the
   * database (a session signed in since the ending must stay).
   */
  apply(event: SessionEvent): LiveConnection[] {
    this.eventsApplied++;
    if (event.kind === 'started') {
      this.accountChanged(event.userId);
      return [];
    }
    for (const sessionId of event.sessionIds ?? []) this.endSession(sessionId, event.reason);
    const toCheck =
      event.keptSessionId === undefined && !event.all
        ? []
        : this.ofUser(event.userId).filter((c) => c.sessionId !== event.keptSessionId && !c.isEnding);
    this.accountChanged(event.userId);
    return toCheck;
  }

  endSession(sessionId: string, reason: SessionEndReason): void {
    for (const connection of this.bySession.get(sessionId) ?? []) void connection.end(reason);
  }

  accountChanged(userId: string): void {
    for (const connection of this.byUser.get(userId) ?? []) connection.accountChanged();
  }

  /** At shutdown: every socket closes with 1001 so clients reconnect elsewhere. */
  closeAll(code: number, reason: string): void {
    for (const connection of this.all()) connection.close(code, reason);
  }
}

function addTo(map: Map<string, Set<LiveConnection>>, key: string, connection: LiveConnection): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(connection);
}

function removeFrom(map: Map<string, Set<LiveConnection>>, key: string, connection: LiveConnection): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(connection);
  if (set.size === 0) map.delete(key);
}
