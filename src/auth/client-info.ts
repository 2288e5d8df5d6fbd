import { isIP } from 'node:net';

import type { Request } from 'express';

import type { ClientInfo } from '../sessions/session.types.js';

// The longest textual IPv6 address (IPv4-mapped); the column is this wide.
const MAX_IP_LENGTH = 45;

/**
 * `request.ip` is the socket's address unless Express's `trust proxy` says
 * which proxies may speak for the client, so X-Forwarded-For cannot be forged.
 */
export function clientInfoOf(request: Request): ClientInfo {
  const ip = request.ip ?? request.socket.remoteAddress;
  return {
    // Express passes X-Forwarded-For entries through unparsed: with TRUST_PROXY
    // set, whatever the first trusted hop (or, with `true`, the client) wrote
    // lands here. Anything that is not an address is recorded as unknown rather
    // than stored, or failing the sign-in on the column's width.
    ipAddress: ip && isIP(ip) !== 0 && ip.length <= MAX_IP_LENGTH ? ip : null,
    userAgent: request.headers['user-agent'] ?? null,
  };
}
