import { Injectable, Logger } from '@nestjs/common';
import type { RawData, WebSocket } from 'ws';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { LiveCloseCode } from './live-connection.js';

const WINDOW_MS = 60_000;

interface SocketState {
  /** connection_init arrived; until the connection is acknowledged nothing else may. */
  initReceived: boolean;
  acknowledged: boolean;
  windowStart: number;
  count: number;
  readonly requestId: string;
}

/**
 * What every message of a socket passes before graphql-ws reads it: a budget
 * per connection (LIVE_MAX_MESSAGES_PER_MINUTE, ping frames included), and
 * before the connection is acknowledged, nothing but one `connection_init`.
 * graphql-ws answered pings (5,000 in 0.6 s) on sockets that never proved a
 * session, and answered them at any rate afterwards.
 */
@Injectable()
export class MessageGate {
  private readonly logger = new Logger(MessageGate.name);
  private readonly sockets = new WeakMap<WebSocket, SocketState>();
  private readonly maxPerWindow: number;

  constructor(@InjectConfig() config: AppConfig) {
    this.maxPerWindow = config.live.maxMessagesPerMinute;
  }

  /** Called before graphql-ws gets the socket, so these listeners run before its own. */
  guard(socket: WebSocket, requestId: string): void {
    const state: SocketState = {
      initReceived: false,
      acknowledged: false,
      windowStart: Date.now(),
      count: 0,
      requestId,
    };
    this.sockets.set(socket, state);
    socket.prependListener('message', (data: RawData) => this.onMessage(socket, state, data));
    // The server is created with autoPong off: a ping frame is answered here, once it has passed.
    socket.on('ping', (data: Buffer) => {
      if (this.admitted(socket, state, false)) socket.pong(data);
    });
  }

  /** The connection is acknowledged (its session proven): every message type may follow. */
  acknowledge(socket: WebSocket): void {
    const state = this.sockets.get(socket);
    if (state) state.acknowledged = true;
  }

  private onMessage(socket: WebSocket, state: SocketState, data: RawData): void {
    if (!this.admitted(socket, state, true)) return;
    if (state.acknowledged) return;
    if (state.initReceived || typeOf(data) !== 'connection_init') {
      this.refuse(socket, state, LiveCloseCode.NotInitialised, 'Unauthorized');
      return;
    }
    state.initReceived = true;
  }

  private admitted(socket: WebSocket, state: SocketState, isMessage: boolean): boolean {
    const now = Date.now();
    if (now - state.windowStart >= WINDOW_MS) {
      state.windowStart = now;
      state.count = 0;
    }
    state.count++;
    if (state.count > this.maxPerWindow) {
      this.refuse(socket, state, LiveCloseCode.TooManyMessages, 'Too many messages');
      return false;
    }
    // A ping frame before the session is proven is a message that is not connection_init.
    if (!isMessage && !state.acknowledged) {
      this.refuse(socket, state, LiveCloseCode.NotInitialised, 'Unauthorized');
      return false;
    }
    return true;
  }

  /**
   * Closes the socket and stops reading it: graphql-ws still sees the message
   * being delivered (the listeners of one event all run), but its answer finds
   * the socket closing and is not sent, and no later message reaches it.
   */
  private refuse(socket: WebSocket, state: SocketState, code: number, reason: string): void {
    socket.removeAllListeners('message');
    socket.removeAllListeners('ping');
    socket.close(code, reason);
    this.logger.log(`WebSocket closed with ${code} (${reason}) (request ${state.requestId})`);
  }
}

/** The graphql-ws message type, or undefined for anything that is not a JSON object with one. */
function typeOf(data: RawData): unknown {
  try {
    const bytes = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    const message = JSON.parse(bytes.toString('utf8')) as unknown;
    return typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  } catch {
    return undefined;
  }
}
