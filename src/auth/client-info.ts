import type { Request } from 'express';
import type { ClientInfo } from '../sessions/sessions.service.js';

/**
 * `request.ip` is the socket's address unless Express's `trust proxy` says
 * which proxies may speak for the client, so X-Forwarded-For cannot be forged.
 */
export function clientInfoOf(request: Request): ClientInfo {
  return {
    ipAddress: request.ip ?? request.socket.remoteAddress ?? null,
    userAgent: request.headers['user-agent'] ?? null,
  };
}
