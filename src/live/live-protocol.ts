import { Injectable, Logger } from '@nestjs/common';
import {
  type ExecutionArgs,
  GraphQLError,
  type GraphQLSchema,
  type ParseOptions,
  specifiedRules,
  type ValidationRule,
} from 'graphql';
import type { Context, ServerOptions } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { WebSocket } from 'ws';

import { clientInfoFrom } from '../auth/client-info.js';
import { RequestAuthenticator } from '../auth/request-authenticator.js';
import { SessionCookie } from '../auth/session-cookie.js';
import { sessionTokenFromHeaders } from '../auth/session-token.extractor.js';
import { ConflictingCredentialsError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { IpLocator } from '../geoip/ip-locator.js';
import { graphqlLimits } from '../graphql/graphql-limits.js';
import { createSocketErrorFormatter } from '../graphql/socket-errors.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AccountExpiryWatch } from './account-expiry-watch.js';
import { LiveCloseCode, LiveConnection } from './live-connection.js';
import { LiveConnections } from './live-connections.js';
import type { LiveContext } from './live-context.js';
import { standInRequest } from './live-context.js';
import { LiveSessionWatch } from './live-session-watch.js';
import { MessageGate } from './message-gate.js';
import { SubscriptionDocuments } from './subscription-documents.js';
import { UpgradeGate } from './upgrade-gate.js';

type LiveExtra = Extra & { live?: LiveConnection };
type LiveServerContext = Context<Record<string, unknown> | undefined, LiveExtra>;

/**
 * The graphql-ws hooks: who a connection is (connection_init), and what each
 * new operation must pass (its session still alive, the same document limits
 * as HTTP, subscriptions only, a bounded number at once).
 */
@Injectable()
export class LiveProtocol {
  private readonly logger = new Logger(LiveProtocol.name);
  private readonly validationRules: ValidationRule[];
  private readonly parseOptions: ParseOptions;
  private readonly formatErrors: ReturnType<typeof createSocketErrorFormatter>;

  constructor(
    private readonly sessions: SessionsService,
    private readonly cookie: SessionCookie,
    private readonly authenticator: RequestAuthenticator,
    private readonly connections: LiveConnections,
    private readonly watch: LiveSessionWatch,
    private readonly accountExpiry: AccountExpiryWatch,
    private readonly gate: UpgradeGate,
    private readonly messages: MessageGate,
    private readonly locator: IpLocator,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    const limits = graphqlLimits({
      hideFieldSuggestions: !config.graphqlIntrospection,
      listSizes: new Map([['User.sessions', config.sessionsPerUserMax]]),
    });
    this.validationRules = [...specifiedRules, ...limits.validationRules];
    this.parseOptions = limits.parseOptions;
    this.formatErrors = createSocketErrorFormatter({
      isProduction: config.isProduction,
      hideFieldSuggestions: !config.graphqlIntrospection,
    });
  }

  options(schema: GraphQLSchema): ServerOptions<Record<string, unknown> | undefined, LiveExtra> {
    const documents = new SubscriptionDocuments(schema, this.validationRules, this.parseOptions);
    return {
      schema,
      // Closed before answering false: graphql-ws closes a refused connection with 4403, this endpoint's "session ended".
      onConnect: (ctx) =>
        this.onConnect(ctx).catch((error: unknown) => {
          this.unverified(ctx, error);
          return false;
        }),
      onSubscribe: (ctx, _id, payload) =>
        this.onSubscribe(schema, documents, ctx, payload).catch((error: unknown) => {
          // After the refusal is on its way (it is sent once this returns).
          setImmediate(() => this.unverified(ctx, error));
          return [refusal('Please try again shortly.', 'SERVICE_UNAVAILABLE')];
        }),
      // Every error gets HTTP's format: codes, no internals or suggestions in production, the request id.
      onNext: (ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: this.formatErrors(result.errors, this.gate.requestIdOf(ctx.extra.request)) }
          : undefined,
      onError: (ctx, _id, _payload, errors) =>
        this.formatErrors(errors, this.gate.requestIdOf(ctx.extra.request)),
      onClose: (ctx) => {
        if (!ctx.extra.live) return;
        this.connections.remove(ctx.extra.live);
        this.accountExpiry.forget(ctx.extra.live.userId);
      },
    };
  }

  private async onConnect(ctx: LiveServerContext): Promise<boolean> {
    const { socket, request } = ctx.extra;
    const params = ctx.connectionParams?.authorization;
    let extracted: ReturnType<typeof sessionTokenFromHeaders>;
    try {
      extracted = sessionTokenFromHeaders(
        {
          authorization: typeof params === 'string' ? params : request.headers.authorization,
          cookie: request.headers.cookie,
        },
        this.cookie.namesRead,
      );
    } catch (error) {
      if (!(error instanceof ConflictingCredentialsError)) throw error;
      socket.close(LiveCloseCode.ConflictingCredentials, 'Bearer token and session cookie disagree');
      return false;
    }
    // Notifications handled while the session is looked up would miss this socket: counted, to check again.
    const eventsBefore = this.connections.eventsApplied;
    const auth = extracted ? await this.sessions.authenticate(extracted.token) : null;
    if (!extracted || !auth) {
      socket.close(LiveCloseCode.Unauthenticated, 'Unauthenticated');
      return false;
    }
    if (this.connections.countOfSession(auth.session.id) >= this.config.live.maxConnectionsPerSession) {
      socket.close(LiveCloseCode.TooManyConnections, 'Too many connections for this session');
      return false;
    }
    if (socket.readyState !== WebSocket.OPEN) return false; // the client left while we looked
    const connection = new LiveConnection(socket, auth, extracted.token);
    ctx.extra.live = connection;
    this.connections.add(connection);
    this.watch.watch(connection);
    void this.accountExpiry.watch(connection.userId);
    if (this.connections.eventsApplied !== eventsBefore) await this.watch.check([connection]);
    if (connection.isEnding) return false;
    // Opening the page is activity, as a request is (at most once per touch interval).
    if (this.sessions.activityDue(auth.session)) {
      await this.sessions.recordActivity(
        auth.session,
        clientInfoFrom(
          this.gate.clientAddressOf(request),
          request.headers['user-agent'] ?? null,
          this.locator,
        ),
      );
    }
    this.messages.acknowledge(socket);
    return true;
  }

  /**
   * A statement failed while the session was being proven (the database away, or answering one
   * statement with an error): graphql-ws would close with 4500, which its clients take as fatal
   * and never reconnect after. Closed with 1013 instead: the client reconnects and proves its
   * session again, and nothing unverified stays open.
   */
  private unverified(ctx: LiveServerContext, error: unknown): void {
    this.logger.warn(
      `Could not check a live connection's session (request ${this.gate.requestIdOf(ctx.extra.request)}): ${String(error)}`,
    );
    if (ctx.extra.live) ctx.extra.live.close(LiveCloseCode.Unverified, 'Try again later');
    else ctx.extra.socket.close(LiveCloseCode.Unverified, 'Try again later');
  }

  private async onSubscribe(
    schema: GraphQLSchema,
    documents: SubscriptionDocuments,
    ctx: LiveServerContext,
    payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const connection = ctx.extra.live;
    if (!connection) return [refusal('Not signed in.', 'UNAUTHENTICATED')];
    if (Object.keys(ctx.subscriptions).length > this.config.live.maxSubscriptionsPerConnection) {
      return [refusal('Too many operations at once on this connection.', 'BAD_REQUEST')];
    }
    // A message that arrives after the session ended, before its notification did, is refused too.
    const auth = await this.sessions.authenticate(connection.token);
    if (!auth || connection.isEnding) {
      // Once the refusal is on its way: find out why the session is gone, tell the socket, close it.
      setImmediate(() => void this.watch.check([connection]));
      return [refusal('Your session has ended.', 'UNAUTHENTICATED')];
    }
    connection.expiresAt = auth.session.expiresAt;
    const document = documents.documentOf(payload.query, payload.operationName);
    if (!('kind' in document)) return document;
    const req = standInRequest();
    this.authenticator.replace(req, connection.auth);
    const contextValue: LiveContext = {
      req,
      res: undefined as unknown as LiveContext['res'],
      live: connection,
    };
    return {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue,
    };
  }
}

function refusal(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
