import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { heartbeat, listenOn } from '../database/listen-statements.js';
import { SESSION_EVENTS_CHANNEL, type SessionEvent } from '../sessions/session-events.js';
import { LiveConnections } from './live-connections.js';
import { LiveSessionWatch } from './live-session-watch.js';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;
const END_WAIT_MS = 1_000;

/**
 * One dedicated connection per instance that LISTENs to session events, so
 * an ending committed on any instance reaches this one's sockets.
 *
 * A notification sent while this connection is down is lost for good
 * (PostgreSQL does not queue them for a listener that left), so after every
 * (re)connection, once LISTEN is in place, every open socket's session is read
 * again: an ending missed in the gap closes its sockets then, and any later
 * one arrives as a notification. Reconnects back off from 100 ms to 5 s.
 *
 * A connection can also die without a word (a NAT entry dropped, a peer
 * frozen): nothing arrives, which looks like a quiet database. So the
 * connection answers a heartbeat query every LIVE_LISTENER_HEARTBEAT_SECONDS,
 * and one unanswered within that time counts as a drop like any other.
 */
@Injectable()
export class SessionEventListener implements OnModuleDestroy {
  private readonly logger = new Logger(SessionEventListener.name);
  private client?: pg.Client;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private stopped = false;
  private url?: string;
  /** Set once LISTEN is in place; false again as soon as the connection drops. */
  listening = false;

  constructor(
    private readonly connections: LiveConnections,
    private readonly watch: LiveSessionWatch,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Connects (retrying in the background on failure); resolves after the first attempt. */
  async start(url: string): Promise<void> {
    this.url = url;
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    // A connection gone silent never answers the goodbye: shutdown does not wait for it.
    const ended = this.client?.end().catch(() => undefined);
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, END_WAIT_MS).unref())]);
  }

  private async connect(): Promise<void> {
    if (this.stopped || !this.url) return;
    // TCP keep-alive from 10 s idle: the kernel also gives up, in minutes, on a dropped connection
    // that the heartbeat replaced, so its socket does not linger for the default two hours.
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: 'live',
    });
    this.client = client;
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('error', (error) => this.onLost(client, error));
    client.on('end', () => this.onLost(client));
    try {
      await client.connect();
      await listenOn(client, SESSION_EVENTS_CHANNEL);
    } catch (error) {
      this.onLost(client, error);
      return;
    }
    this.listening = true;
    this.retryMs = FIRST_RETRY_MS;
    this.startHeartbeat(client);
    // Before trusting the stream: whatever ended while nobody listened. A failed read is the
    // watch's to retry; the stream is trustworthy from LISTEN on, so the connection stays.
    await this.watch.check(this.connections.all());
  }

  private onLost(client: pg.Client, error?: unknown): void {
    if (client !== this.client || this.stopped) return;
    this.client = undefined;
    this.listening = false;
    clearInterval(this.heartbeat);
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

  private startHeartbeat(client: pg.Client): void {
    const periodMs = this.config.live.listenerHeartbeatSeconds * 1000;
    let answered = true;
    this.heartbeat = setInterval(() => {
      if (!answered) {
        this.onLost(client, new Error(`no answer to the heartbeat within ${periodMs} ms`));
        return;
      }
      answered = false;
      heartbeat(client).then(
        () => (answered = true),
        (error: unknown) => this.onLost(client, error),
      );
    }, periodMs);
    this.heartbeat.unref();
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
    if (event.kind === 'ended' && toCheck.length > 0) void this.watch.check(toCheck, event.reason);
  }
}
