import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { SessionEndReason, SessionEvents } from '../sessions/session-events.js';
import { type AccountExpiries, SessionLivenessRepository } from '../sessions/session-liveness.repository.js';
import { EarliestTimer } from './earliest-timer.js';
import { LiveConnections } from './live-connections.js';

/**
 * A device list must also shrink when one of the account's *other* sessions
 * expires — a laptop nobody opened for 30 days — though no socket of that
 * session is open to notice and no statement ends it.
 *
 * So for every account with a socket on this instance, the earliest expiry
 * among its sessions is kept (read when its first socket opens), and one timer
 * is set for the earliest of those. When it fires, the accounts due are read
 * in one statement: sessions that did expire are announced as EXPIRED (every
 * instance's sockets of that account get `accountSessionsChanged`), and each
 * account's next expiry is kept. Renewals only move expiries later, and new
 * sessions expire after the existing ones, so the kept time is never late.
 */
@Injectable()
export class AccountExpiryWatch implements OnModuleDestroy {
  private readonly logger = new Logger(AccountExpiryWatch.name);
  /** userId → the account's earliest session expiry (ms) when last read. */
  private readonly nextExpiry = new Map<string, number>();
  private readonly timer = new EarliestTimer((firedAt) => void this.onTimer(firedAt));

  constructor(
    private readonly connections: LiveConnections,
    private readonly liveness: SessionLivenessRepository,
    private readonly events: SessionEvents,
  ) {}

  /** A socket of this account opened: reads the account's next expiry, once per account (never throws). */
  async watch(userId: string): Promise<void> {
    if (this.nextExpiry.has(userId)) return;
    this.nextExpiry.set(userId, Infinity); // a second socket opening meanwhile does not read again
    try {
      const [row] = await this.liveness.accountExpiries([{ userId, since: null }]);
      this.keep(userId, row?.nextExpiry ?? null);
    } catch (error) {
      this.nextExpiry.delete(userId); // the account's next socket tries again
      this.logger.warn(`Could not read an account's session expiries: ${String(error)}`);
    }
  }

  /** The account's last socket on this instance closed. */
  forget(userId: string): void {
    if (this.connections.ofUser(userId).length === 0) this.nextExpiry.delete(userId);
  }

  onModuleDestroy(): void {
    this.timer.stop();
  }

  private keep(userId: string, nextExpiry: Date | null): void {
    if (!this.nextExpiry.has(userId)) return; // forgotten while its read was on the way
    const at = nextExpiry?.getTime() ?? Infinity;
    this.nextExpiry.set(userId, at);
    if (at < Infinity) this.timer.arm(at);
  }

  private async onTimer(firedAt: number): Promise<void> {
    const due: Array<{ userId: string; since: Date }> = [];
    for (const [userId, at] of this.nextExpiry) {
      if (at <= firedAt) due.push({ userId, since: new Date(at) });
      else this.timer.arm(at);
    }
    if (due.length === 0) return;
    let rows: Map<string, AccountExpiries>;
    try {
      rows = new Map((await this.liveness.accountExpiries(due)).map((row) => [row.userId, row]));
    } catch (error) {
      // The database is away: try again shortly rather than leave the lists stale.
      this.logger.warn(`Could not check the accounts' expiring sessions: ${String(error)}`);
      for (const { since } of due) this.timer.arm(since.getTime());
      return;
    }
    for (const { userId, since } of due) {
      const row = rows.get(userId);
      try {
        if (row && row.expiredIds.length > 0) {
          await this.events.announce({
            kind: 'ended',
            userId,
            reason: SessionEndReason.EXPIRED,
            sessionIds: row.expiredIds,
          });
        }
        // Only once announced: an account whose announcement failed stays due from `since`, and is read again.
        this.keep(userId, row?.nextExpiry ?? null);
      } catch (error) {
        this.logger.warn(`Could not announce an account's expired sessions: ${String(error)}`);
        this.timer.arm(since.getTime());
      }
    }
  }
}
