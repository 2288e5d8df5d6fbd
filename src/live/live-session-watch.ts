import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { SessionEndReason, SessionEvents } from '../sessions/session-events.js';
import { SessionLivenessRepository } from '../sessions/session-liveness.repository.js';
import { EarliestTimer } from './earliest-timer.js';
import { LiveCloseCode, type LiveConnection } from './live-connection.js';
import { LiveConnections } from './live-connections.js';

/** A failed read of the sockets' sessions is tried again after this long, doubling … */
const FIRST_RETRY_MS = 100;
/** … up to this long between attempts. */
const MAX_RETRY_MS = 2_000;
/**
 * How long a check may keep failing (each attempt included: a statement may hang until its
 * timeout) before the sockets it could not verify are closed anyway. It bounds how long a socket
 * can outlive its session when the database answers errors (docs/live-updates.md).
 */
export const CHECK_BUDGET_MS = 10_000;

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
 *
 * The database may answer any one of these reads with an error (a reset, a
 * statement timeout, a failover) while the sessions it would have read are
 * gone. No other notification will come for them, so a failed read is tried
 * again, backing off, for CHECK_BUDGET_MS; sockets still unverified then are
 * closed with 1013 (try again later): their clients reconnect and prove their
 * sessions afresh, and a session that ended is refused then (4401).
 */
@Injectable()
export class LiveSessionWatch implements OnModuleDestroy {
  private readonly logger = new Logger(LiveSessionWatch.name);
  private readonly timer = new EarliestTimer((firedAt) => void this.onTimer(firedAt));
  private stopped = false;

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
   *
   * Never throws: a failed read is retried, and after CHECK_BUDGET_MS the
   * sockets still unverified are closed (1013), so none outlives its session
   * by longer than that because of a database error.
   */
  async check(
    connections: readonly LiveConnection[],
    deleted: SessionEndReason = SessionEndReason.REVOKED,
  ): Promise<void> {
    const deadline = Date.now() + CHECK_BUDGET_MS;
    let retryMs = FIRST_RETRY_MS;
    for (;;) {
      // Sockets a notification ended meanwhile need no read.
      const open = connections.filter((connection) => !connection.isEnding);
      if (open.length === 0 || this.stopped) return;
      try {
        if (await settlesWithin(this.checkOnce(open, deleted), deadline - Date.now())) return;
      } catch (error) {
        this.logger.warn(`Could not check ${open.length} open connections' sessions: ${String(error)}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await pause(Math.min(retryMs, left));
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
    const unverified = connections.filter((connection) => !connection.isEnding);
    if (unverified.length === 0 || this.stopped) return;
    this.logger.warn(
      `Closing ${unverified.length} open connections whose sessions could not be checked within ${CHECK_BUDGET_MS} ms`,
    );
    for (const connection of unverified) connection.close(LiveCloseCode.Unverified, 'Try again later');
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.timer.stop();
  }

  /** One read of these (open) sockets' sessions, and the endings it finds; throws if the read fails. */
  private async checkOnce(open: readonly LiveConnection[], deleted: SessionEndReason): Promise<void> {
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
    await this.check(due);
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

/** A wait that does not keep the process alive (a shutdown does not wait for a retry). */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Whether `promise` resolved within `ms`; its rejection within that time is thrown. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}
