import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AccountExpiryWatch } from './account-expiry-watch.js';
import { LiveResolver } from './live.resolver.js';
import { LiveConnections } from './live-connections.js';
import { LiveProtocol } from './live-protocol.js';
import { LiveServer } from './live-server.js';
import { LiveSessionWatch } from './live-session-watch.js';
import { MessageGate } from './message-gate.js';
import { SessionEventListener } from './session-event-listener.js';
import { UpgradeGate } from './upgrade-gate.js';

/** Live updates: GraphQL subscriptions over WebSocket, fed by PostgreSQL LISTEN (docs/live-updates.md). */
@Module({
  imports: [SessionsModule, AuthModule],
  providers: [
    LiveResolver,
    LiveConnections,
    LiveSessionWatch,
    AccountExpiryWatch,
    SessionEventListener,
    LiveProtocol,
    UpgradeGate,
    MessageGate,
    LiveServer,
  ],
})
export class LiveModule {}
