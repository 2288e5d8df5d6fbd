import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';

import { SESSION_EVENTS_CHANNEL, type SessionEvent } from '../sessions/session-events.js';
import { LiveConnections } from './live-connections.js';
import { LiveSessionWatch } from './live-session-watch.js';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * One dedicated connection per instance that LISTENs to session events, so
 * an ending committed on any instance reaches this one's sockets.
 *
 * A notification sent while this connection is down is lost for good
 * (PostgreSQL does not queue them for a listener that left), so after every
 * (re)connection, once LISTEN is in place, every open socket's session is read
 * again: an ending missed in the gap closes its sockets then, and any later
 * one arrives as a notification. Reconnects back off from 100 ms to 5 s.
 */
@Injectable()
export class SessionEventListener implements OnModuleDestroy {
  private readonly logger = new Logger(SessionEventListener.name);
  private client?: pg.Client;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private url?: string;
  /** Set once LISTEN is in place; false again as soon as the connection drops. */
  listening = false;

  constructor(
    private readonly connections: LiveConnections,
    private readonly watch: LiveSessionWatch,
  ) {}

  /** Connects (retrying in the background on failure); resolves after the first attempt. */
  async start(url: string): Promise<void> {
    this.url = url;
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped || !this.url) return;
    // TCP keep-alive: a connection cut without a FIN (a dead NAT entry) is noticed, not trusted forever.
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: 'live' });
    this.client = client;
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('error', (error) => this.onLost(client, error));
    client.on('end', () => this.onLost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${SESSION_EVENTS_CHANNEL}`);
    } catch (error) {
      this.onLost(client, error);
      return;
    }
    this.listening = true;
    this.retryMs = FIRST_RETRY_MS;
    // Before trusting the stream: whatever ended while nobody listened.
    await this.watch.check(this.connections.all()).catch((error: unknown) => {
      this.logger.warn(`Could not re-check open connections after (re)connecting: ${String(error)}`);
      this.onLost(client, error);
    });
  }

  private onLost(client: pg.Client, error?: unknown): void {
    if (client !== this.client || this.stopped) return;
    this.client = undefined;
    this.listening = false;
    client.removeAllListeners('notification');
    client.on('error', () => undefined); // a late error of a dropped client must not crash the process
    void client.end().catch(() => undefined);
    this.logger.warn(
      `Session event listener lost${error instanceof Error ? ` (${error.message})` : ''}; reconnecting in ${this.retryMs} ms`,
    );
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private onNotification(payload: string | undefined): void {
    let event: SessionEvent;
    try {
      event = JSON.parse(payload ?? '') as SessionEvent;
    } catch {
      this.logger.warn('Ignored a session event that is not JSON');
      return;
    }
    const toCheck = this.connections.apply(event);
    if (event.kind === 'ended' && toCheck.length > 0) {
      this.watch.check(toCheck, event.reason).catch((error: unknown) => {
        this.logger.warn(`Could not check the sessions of a bulk ending: ${String(error)}`);
      });
    }
  }
}
