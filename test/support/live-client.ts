import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

import { LiveConnections } from '../../src/live/live-connections.js';
import { TestApp } from './test-app.js';

/** How a live connection proves its session, and what else its handshake carries. */
export interface LiveClientOptions {
  /** Sent as connectionParams.authorization = "Bearer <token>". */
  token?: string;
  /** Sent as the session cookie of the upgrade request. */
  cookie?: string;
  /** The upgrade request's Origin, as a browser page would send it. */
  origin?: string;
}

export interface Closed {
  code: number;
  reason: string;
}

/** One subscription's events, in order, waited for one at a time. */
export class Received<T> {
  readonly events: T[] = [];
  private readonly waiters: Array<() => void> = [];
  error?: unknown;

  fail(error: unknown): void {
    this.error = error;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves with the error the operation ended with (no time limit of its own). */
  async failure(): Promise<unknown> {
    while (this.error === undefined) await new Promise<void>((wake) => this.waiters.push(wake));
    return this.error;
  }

  push(event: T): void {
    this.events.push(event);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once `count` events have arrived (no time limit of its own: Jest's test timeout applies). */
  async atLeast(count: number): Promise<T[]> {
    while (this.events.length < count) await new Promise<void>((wake) => this.waiters.push(wake));
    return this.events;
  }
}

/**
 * A graphql-ws client of the real server (graphql-ws's own client over `ws`),
 * as an Apollo page would connect: `closed` resolves with the close code.
 */
export class LiveClient {
  readonly closed: Promise<Closed>;
  readonly connected: Promise<void>;
  private readonly client: Client;

  constructor(app: Pick<TestApp, 'url'>, options: LiveClientOptions = {}) {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = `session=${options.cookie}`;
    if (options.origin) headers.origin = options.origin;
    class HeaderedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers });
      }
    }
    let onClosed!: (closed: Closed) => void;
    let onConnected!: () => void;
    this.closed = new Promise((resolve) => (onClosed = resolve));
    this.connected = new Promise((resolve) => (onConnected = resolve));
    this.client = createClient({
      url: `${app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: HeaderedWebSocket,
      connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : undefined,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => undefined,
      on: {
        connected: () => onConnected(),
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          onClosed({ code, reason: String(reason) });
        },
      },
    });
  }

  /** Subscribes; the events (each `data`) and any error land in the returned `Received`. */
  subscribe<T = Record<string, unknown>>(query: string): Received<T> {
    const received = new Received<T>();
    this.client.subscribe<T>(
      { query },
      {
        next: (result) => received.push((result.data ?? { errors: result.errors }) as T),
        // The socket closing after the last event ends the subscription with an error: kept apart.
        error: (error) => received.fail(error),
        complete: () => undefined,
      },
    );
    return received;
  }

  async dispose(): Promise<void> {
    await this.client.dispose();
  }
}

export const CURRENT_SESSION_ENDED = 'subscription { currentSessionEnded { sessionId reason } }';
export const ACCOUNT_SESSIONS_CHANGED =
  'subscription { accountSessionsChanged { id activeSessionCount sessions { id current } } }';

/**
 * Waits until `app` runs `count` subscriptions for the session: graphql-ws
 * does not acknowledge a subscribe, and an event published before the server
 * registered the subscription would (rightly) not reach it. Throws when they
 * never come (a bound, so that a test of a broken socket fails and ends).
 */
export async function untilSubscribed(
  app: Pick<TestApp, 'get'>,
  sessionId: string,
  count = 1,
  withinMs = 20_000,
): Promise<void> {
  const connections = app.get(LiveConnections);
  const running = (): number =>
    connections
      .all()
      .filter((connection) => connection.sessionId === sessionId)
      .reduce((sum, connection) => sum + connection.subscriptionCount, 0);
  const deadline = Date.now() + withinMs;
  while (running() < count) {
    if (Date.now() > deadline)
      throw new Error(
        `session ${sessionId}: ${running()} of ${count} subscriptions running after ${withinMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The HTTP status a bare WebSocket handshake with these headers gets (101 when it is accepted). */
export function upgradeStatus(
  app: Pick<TestApp, 'url'>,
  headers: Record<string, string>,
  path = '/graphql',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${app.url.replace(/^http/, 'ws')}${path}`, 'graphql-transport-ws', {
      headers,
    });
    socket.on('upgrade', (response) => {
      resolve(response.statusCode ?? 0);
      socket.close();
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });
}

/** Two instances of the service on one database (B shares A's), as a deployment runs them. */
export async function startTwoInstances(): Promise<{ a: TestApp; b: TestApp }> {
  const a = await TestApp.create();
  const b = await TestApp.create({}, { shareDatabaseOf: a });
  return { a, b };
}

/** Closes the test's sockets, then the instances, the one owning the database last. */
export async function closeAll(clients: readonly LiveClient[], ...apps: TestApp[]): Promise<void> {
  await Promise.all(clients.map((client) => client.dispose()));
  for (const app of apps) await app.close();
}
