import { DurationInSeconds, PositiveInteger } from './env-values.js';

/** The bounds of live updates (WebSocket on /graphql); see docs/live-updates.md. */
export interface LiveSettings {
  /** Open sockets one session may hold (tabs of one browser share a session); one more closes with 4430. */
  readonly maxConnectionsPerSession: number;
  /** Open sockets from one client address (TRUST_PROXY decides which); one more is refused with 429. */
  readonly maxConnectionsPerIp: number;
  /** The largest WebSocket message read; a larger one closes the socket with 1009. */
  readonly maxMessageBytes: number;
  /** Operations running at once on one socket; one more is answered with an error. */
  readonly maxSubscriptionsPerConnection: number;
  /** Messages (and ping frames) one socket may send per minute; one more closes it with 4431. */
  readonly maxMessagesPerMinute: number;
  /** The server pings every this many seconds; a socket that has not answered by the next ping is dropped. */
  readonly pingIntervalSeconds: number;
  /**
   * The LISTEN connection runs `SELECT 1` this often and counts as lost when
   * the answer takes longer than this: a connection cut without a word (a dead
   * NAT entry, a frozen peer) is replaced and every socket re-checked, instead
   * of waiting for TCP to notice.
   */
  readonly listenerHeartbeatSeconds: number;
}

/** The environment variables of live updates, with their defaults: one section of the configuration. */
export class LiveEnvironmentVariables {
  @PositiveInteger('LIVE_MAX_CONNECTIONS_PER_SESSION', '')
  LIVE_MAX_CONNECTIONS_PER_SESSION = 10;

  @PositiveInteger('LIVE_MAX_CONNECTIONS_PER_IP', '')
  LIVE_MAX_CONNECTIONS_PER_IP = 200;

  @PositiveInteger('LIVE_MAX_MESSAGE_BYTES', ' number of bytes')
  LIVE_MAX_MESSAGE_BYTES = 16 * 1024;

  @PositiveInteger('LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION', '')
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION = 10;

  @PositiveInteger('LIVE_MAX_MESSAGES_PER_MINUTE', '')
  LIVE_MAX_MESSAGES_PER_MINUTE = 120;

  @DurationInSeconds('LIVE_PING_INTERVAL_SECONDS')
  LIVE_PING_INTERVAL_SECONDS = 15;

  @DurationInSeconds('LIVE_LISTENER_HEARTBEAT_SECONDS')
  LIVE_LISTENER_HEARTBEAT_SECONDS = 10;
}

export function liveSettingsOf(variables: LiveEnvironmentVariables): LiveSettings {
  return {
    maxConnectionsPerSession: variables.LIVE_MAX_CONNECTIONS_PER_SESSION,
    maxConnectionsPerIp: variables.LIVE_MAX_CONNECTIONS_PER_IP,
    maxMessageBytes: variables.LIVE_MAX_MESSAGE_BYTES,
    maxSubscriptionsPerConnection: variables.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    maxMessagesPerMinute: variables.LIVE_MAX_MESSAGES_PER_MINUTE,
    pingIntervalSeconds: variables.LIVE_PING_INTERVAL_SECONDS,
    listenerHeartbeatSeconds: variables.LIVE_LISTENER_HEARTBEAT_SECONDS,
  };
}
