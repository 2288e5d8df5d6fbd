import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { useServer } from 'graphql-ws/use/ws';
import { DataSource } from 'typeorm';
import { WebSocketServer } from 'ws';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { LiveCloseCode } from './live-connection.js';
import { LiveConnections } from './live-connections.js';
import { LiveProtocol } from './live-protocol.js';
import { MessageGate } from './message-gate.js';
import { SessionEventListener } from './session-event-listener.js';
import { refuse, UpgradeGate } from './upgrade-gate.js';

/**
 * GraphQL over WebSocket (graphql-ws) on /graphql, attached to the `upgrade`
 * event of the node:http server under whichever HTTP adapter serves the
 * rest, so the handshake is ours to refuse: cross-site, too many sockets from
 * one address, or live updates unavailable (no LISTEN connection possible).
 */
@Injectable()
export class LiveServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LiveServer.name);
  private http?: Server;
  private wss?: WebSocketServer;
  private dispose?: () => Promise<void>;
  private listenUrl?: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly protocol: LiveProtocol,
    private readonly gate: UpgradeGate,
    private readonly messages: MessageGate,
    private readonly listener: SessionEventListener,
    private readonly connections: LiveConnections,
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // An application context without HTTP (integration tests, the CLI) serves no sockets.
    this.http = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!this.http) return;
    this.listenUrl = this.listenUrlOf();
    if (this.listenUrl) await this.listener.start(this.listenUrl);
    else {
      this.logger.error(
        'Live updates are off: DATABASE_POOLER=transaction cannot LISTEN; set DATABASE_LISTEN_URL to a ' +
          'direct (or session-mode) connection. WebSocket upgrades are answered 503.',
      );
    }
    const { maxMessageBytes, pingIntervalSeconds } = this.config.live;
    // autoPong off: a client's ping frame is answered by MessageGate, once it passed the budget.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, autoPong: false });
    this.wss.on('headers', (headers, request) =>
      headers.push(`X-Request-Id: ${this.gate.requestIdOf(request)}`),
    );
    // The schema Nest built for Apollo (GraphQLModule's, hence not strict): one schema for both transports.
    const { schema } = this.moduleRef.get(GraphQLSchemaHost, { strict: false });
    const server = useServer(this.protocol.options(schema), this.wss, pingIntervalSeconds * 1000);
    this.dispose = async () => {
      await server.dispose();
    };
    this.http.on('upgrade', this.onUpgrade);
  }

  async onModuleDestroy(): Promise<void> {
    this.http?.off('upgrade', this.onUpgrade);
    this.connections.closeAll(LiveCloseCode.GoingAway, 'Server shutting down');
    await this.dispose?.();
  }

  /**
   * A transaction pooler hands each transaction a different server
   * connection, so a LISTEN there hears nothing: behind one, only
   * DATABASE_LISTEN_URL (direct or session mode) will do.
   */
  private listenUrlOf(): string | undefined {
    if (this.config.databaseListenUrl) return this.config.databaseListenUrl;
    if (this.config.databasePooler === 'transaction') return undefined;
    return (this.dataSource.options as { url?: string }).url;
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const refusal = this.listenUrl
      ? this.gate.refusalOf(request)
      : { status: 503 as const, message: 'Live updates are unavailable on this instance.' };
    const wss = this.wss;
    const requestId = this.gate.requestIdOf(request);
    if (refusal || !wss) {
      const answer = refusal ?? { status: 503 as const, message: 'Shutting down.' };
      refuse(socket, answer, requestId);
      this.logger.log(`WebSocket upgrade refused: ${answer.status} ${answer.message} (request ${requestId})`);
      return;
    }
    // Counted from now, before the handshake completes, so concurrent handshakes cannot overshoot the
    // limit; released when the TCP socket closes, whether or not the handshake succeeded.
    socket.once('close', this.gate.hold(request));
    wss.handleUpgrade(request, socket, head, (ws) => {
      this.messages.guard(ws, requestId);
      wss.emit('connection', ws, request);
      // A socket's errors are the peer's protocol errors (a frame over LIVE_MAX_MESSAGE_BYTES: 1009),
      // and ws closes the socket itself: graphql-ws would print each to stderr as its own fault.
      ws.removeAllListeners('error');
      ws.on('error', (error) => this.logger.debug(`WebSocket closed on a protocol error: ${error.message}`));
    });
  };
}
