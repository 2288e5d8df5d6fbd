import WebSocket from 'ws';

/** What the example page subscribes to on every socket (examples/web). */
export const PAGE_SUBSCRIPTIONS = [
  'subscription { currentSessionEnded { sessionId reason } }',
  'subscription { accountSessionsChanged { id activeSessionCount } }',
] as const;

export interface SocketClosed {
  readonly code: number;
  /** performance.now() when this process saw the close. */
  readonly at: number;
}

/**
 * One browser tab's live connection, spoken at the protocol level
 * (graphql-transport-ws over `ws`) rather than through graphql-ws's client:
 * ten thousand of them in the benchmark's one process must cost the client
 * little, so that the figures are the server's. `ws` answers the server's
 * ping frames by itself, as a browser does.
 */
export class LiveSocket {
  readonly closed: Promise<SocketClosed>;
  private readonly socket: WebSocket;

  private constructor(graphqlUrl: string) {
    this.socket = new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', {
      perMessageDeflate: false,
    });
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code) => resolve({ code, at: performance.now() })),
    );
    // A refused or reset socket shows up as its close code; the error itself says nothing more.
    this.socket.on('error', () => undefined);
  }

  /** Opens, authenticates with the bearer token and subscribes as the page does; resolves once acknowledged. */
  static async open(graphqlUrl: string, token: string): Promise<LiveSocket> {
    const live = new LiveSocket(graphqlUrl);
    await live.handshake(token);
    PAGE_SUBSCRIPTIONS.forEach((query, index) =>
      live.send({ id: String(index + 1), type: 'subscribe', payload: { query } }),
    );
    return live;
  }

  close(): void {
    this.socket.close(1000);
  }

  private async handshake(token: string): Promise<void> {
    const acknowledged = new Promise<void>((resolve, reject) => {
      const onMessage = (data: Buffer) => {
        if ((JSON.parse(data.toString('utf8')) as { type: string }).type !== 'connection_ack') return;
        this.socket.off('message', onMessage);
        resolve();
      };
      this.socket.on('message', onMessage);
      void this.closed.then(({ code }) => reject(new Error(`closed with ${code} before connection_ack`)));
    });
    this.socket.once('open', () =>
      this.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
    );
    await acknowledged;
  }

  private send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }
}

/** Opens one socket per token, `parallel` handshakes at a time. */
export async function openSockets(
  graphqlUrl: string,
  tokens: string[],
  parallel = 64,
): Promise<LiveSocket[]> {
  const sockets = new Array<LiveSocket>(tokens.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, tokens.length) }, async () => {
      while (next < tokens.length) {
        const index = next++;
        sockets[index] = await LiveSocket.open(graphqlUrl, tokens[index]);
      }
    }),
  );
  return sockets;
}
