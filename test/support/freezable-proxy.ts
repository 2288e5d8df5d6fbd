import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy to PostgreSQL that can go silent: `freeze()` stops every
 * connection open through it from carrying another byte, either way, while
 * keeping it open — what a dropped NAT entry or a frozen peer looks like from
 * the client. Connections opened after a freeze pass normally.
 */
export class FreezableProxy {
  private readonly open = new Set<[Socket, Socket]>();
  private readonly frozen: Socket[] = [];
  private readonly server = createServer((client) => {
    const upstream = connect(this.target.port, this.target.host);
    const pair: [Socket, Socket] = [client, upstream];
    client.pipe(upstream).pipe(client);
    for (const socket of pair) {
      socket.on('error', () => pair.forEach((end) => end.destroy()));
      socket.on('close', () => this.open.delete(pair));
    }
    this.open.add(pair);
  });

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<FreezableProxy> {
    const proxy = new FreezableProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** The connections open now carry nothing more, and are not closed. */
  freeze(): void {
    for (const pair of this.open) {
      const [client, upstream] = pair;
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
      this.frozen.push(client, upstream);
    }
    this.open.clear();
  }

  async close(): Promise<void> {
    for (const socket of [...this.frozen, ...[...this.open].flat()]) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
