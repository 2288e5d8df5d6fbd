import type { IncomingMessage } from 'node:http';

import { Injectable } from '@nestjs/common';
import proxyAddr from 'proxy-addr';

import { clientAddress } from '../auth/client-info.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { SitePolicy } from '../http/cross-site-requests.js';
import { newRequestId } from '../http/request-id.js';

/** Why an upgrade is refused before any WebSocket exists: an HTTP status and its words. */
export interface Refusal {
  readonly status: 403 | 404 | 429 | 503;
  readonly message: string;
}

/**
 * The checks an upgrade request passes before the handshake, cheapest first:
 * the path, the Host and cross-site rules of HTTP (a page on another site must not
 * open a socket that carries the user's cookie: browsers send Origin on every
 * WebSocket handshake, and CORS does not apply to WebSockets at all), and the
 * per-address limit. The session is proven later, in connection_init, where
 * `connectionParams` can carry a bearer token.
 */
@Injectable()
export class UpgradeGate {
  private readonly sites: SitePolicy;
  private readonly trust: (address: string, hop: number) => boolean;
  private readonly perAddress = new Map<string, number>();
  private readonly maxPerAddress: number;
  private readonly requestIds = new WeakMap<IncomingMessage, string>();

  readonly path = '/graphql';

  constructor(@InjectConfig() config: AppConfig) {
    this.sites = new SitePolicy({
      allowedOrigins: config.corsOrigins,
      publicApiOrigin: config.publicApiOrigin,
      isProduction: config.isProduction,
    });
    this.trust = compileTrust(config.trustProxy);
    this.maxPerAddress = config.live.maxConnectionsPerIp;
  }

  refusalOf(request: IncomingMessage): Refusal | null {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== this.path) {
      return { status: 404, message: 'Not Found' };
    }
    const headers = {
      origin: request.headers.origin,
      'sec-fetch-site': single(request.headers['sec-fetch-site']),
      host: request.headers.host,
    };
    if (!this.sites.servesHost(headers.host)) {
      return { status: 403, message: 'This host name is not served: set PUBLIC_API_URL to allow it.' };
    }
    if (this.sites.isCrossSite(headers)) {
      return { status: 403, message: 'Cross-site request refused: this origin is not allowed.' };
    }
    if ((this.perAddress.get(this.addressKey(request)) ?? 0) >= this.maxPerAddress) {
      return { status: 429, message: 'Too many open connections from this address.' };
    }
    return null;
  }

  /**
   * The upgrade request's id, made as HTTP's are (never the client's): in the
   * refusal or the handshake's `X-Request-Id`, in every error the connection
   * answers (`extensions.requestId`) and in the log lines about it.
   */
  requestIdOf(request: IncomingMessage): string {
    let id = this.requestIds.get(request);
    if (!id) this.requestIds.set(request, (id = newRequestId()));
    return id;
  }

  /** Counts a socket against its address until `release` is called (when it closes). */
  hold(request: IncomingMessage): () => void {
    const address = this.addressKey(request);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    return () => {
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    };
  }

  /** The client's address as the HTTP side sees it: X-Forwarded-For only from trusted proxies (TRUST_PROXY). */
  clientAddressOf(request: IncomingMessage): string | null {
    return clientAddress(proxyAddr(request, this.trust));
  }

  private addressKey(request: IncomingMessage): string {
    return this.clientAddressOf(request) ?? 'unknown';
  }
}

/** TRUST_PROXY as Express reads it: true, a number of hops, or addresses and subnets. */
function compileTrust(trust: AppConfig['trustProxy']): (address: string, hop: number) => boolean {
  if (trust === true) return () => true;
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile([...trust]);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Answers a refused upgrade on the raw socket, with its request id: a WebSocket handshake never began. */
export function refuse(
  socket: NodeJS.WritableStream & { destroy(): void },
  refusal: Refusal,
  requestId: string,
): void {
  const body = JSON.stringify({ error: refusal.message, requestId });
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status]}\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nX-Request-Id: ${requestId}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const STATUS_TEXT = {
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
} as const;
