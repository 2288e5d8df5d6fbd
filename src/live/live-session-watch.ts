import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { SessionEndReason, SessionEvents } from '../sessions/session-events.js';
import { SessionLivenessRepository } from '../sessions/session-liveness.repository.js';
import { EarliestTimer } from './earliest-timer.js';
import type { LiveConnection } from './live-connection.js';
import { LiveConnections } from './live-connections.js';

/**
 * Checks open sockets' sessions against the database, where no notification
 * can tell: expiry (no statement ends a session when its time runs out), a
 * bulk ending's survivors, and every socket after the listener reconnects.
 *
 * Expiry costs one timer per instance, set for the earliest idle expiry among
 * this instance's sockets (the absolute expiry caps it, so one time covers
 * both); when it fires, the sessions due are read in one statement. A session
 * renewed meanwhile by HTTP requests is re-armed at its new expiry. A socket
 * closes within about a second of its session's expiry by the database's clock,
 * plus any skew between this instance's clock and the database's.
 */
@Injectable()
export class LiveSessionWatch implements OnModuleDestroy {
  private readonly logger = new Logger(LiveSessionWatch.name);
  private readonly timer = new EarliestTimer((firedAt) => void this.onTimer(firedAt));

  constructor(
    private readonly connections: LiveConnections,
    private readonly liveness: SessionLivenessRepository,
    private readonly events: SessionEvents,
  ) {}

  /** A new socket: brings the timer forward if its session expires first. */
  watch(connection: LiveConnection): void {
    this.timer.arm(connection.expiresAt.getTime());
  }

  /**
   * Reads these sockets' sessions and ends those gone: an expired row (or a
   * missing one past its expiry) is EXPIRED, a missing one otherwise was ended
   * by a statement whose notification this instance did not get: `deleted`
   * says why when the caller knows (a bulk ending), else REVOKED.
   */
  async check(
    connections: readonly LiveConnection[],
    deleted: SessionEndReason = SessionEndReason.REVOKED,
  ): Promise<void> {
    const open = connections.filter((connection) => !connection.isEnding);
    if (open.length === 0) return;
    const rows = await this.liveness.find(
      [...new Set(open.map((c) => c.sessionId))],
      [...new Set(open.map((c) => c.userId))],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const expired = new Map<string, Set<string>>();
    for (const connection of open) {
      const row = byId.get(connection.sessionId);
      if (row && !row.expired) {
        connection.expiresAt = row.expiresAt;
        this.watch(connection);
        continue;
      }
      const isExpiry = row !== undefined || connection.expiresAt.getTime() <= Date.now();
      void connection.end(isExpiry ? SessionEndReason.EXPIRED : deleted);
      if (isExpiry) addTo(expired, connection.userId, connection.sessionId);
    }
    await this.announceExpiries(expired);
  }

  onModuleDestroy(): void {
    this.timer.stop();
  }

  private async onTimer(firedAt: number): Promise<void> {
    const due: LiveConnection[] = [];
    let next = Infinity;
    for (const connection of this.connections.all()) {
      if (connection.isEnding) continue;
      const at = connection.expiresAt.getTime();
      if (at <= firedAt) due.push(connection);
      else next = Math.min(next, at);
    }
    if (next < Infinity) this.timer.arm(next);
    try {
      await this.check(due);
    } catch (error) {
      // The database is away: try again shortly rather than leave the sockets open.
      this.logger.warn(`Could not check expiring sessions: ${String(error)}`);
      for (const connection of due) this.watch(connection);
    }
  }

  /**
   * An expiry changes the user's device list on every instance: announced
   * like an ending, so their other sockets hear `accountSessionsChanged`.
   * (Each instance with a socket of that session may announce it: the event
   * can arrive more than once, which a device list shrugs off.)
   */
  private async announceExpiries(expired: Map<string, Set<string>>): Promise<void> {
    for (const [userId, sessionIds] of expired) {
      const reason = SessionEndReason.EXPIRED;
      await this.events
        .announce({ kind: 'ended', userId, reason, sessionIds: [...sessionIds] })
        .catch((error: unknown) => {
          this.logger.warn(`Could not announce an expiry: ${String(error)}`);
        });
    }
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}
