import { isIP } from 'node:net';

import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';

import type { ClientInfo } from '../sessions/session.types.js';

// The longest textual IPv6 address (IPv4-mapped); the column is this wide.
const MAX_IP_LENGTH = 45;

/**
 * `request.ip` is the socket's address unless Fastify's `trustProxy` (the
 * TRUST_PROXY setting) says which proxies may speak for the client, so
 * X-Forwarded-For cannot be forged.
 */
export function clientInfoOf(request: FastifyRequest): ClientInfo {
  return {
    ipAddress: clientAddress(request.ip),
    userAgent: request.headers['user-agent'] ?? null,
  };
}

/**
 * The address as a person would write it. A server listening on `::` (Node's
 * default) sees an IPv4 client as IPv4-mapped IPv6 (`::ffff:127.0.0.1`): that
 * is the IPv4 client `127.0.0.1`, and is stored and shown as such, the same
 * address the rate limiter counts (client-network.ts).
 *
 * Fastify (proxy-addr) passes X-Forwarded-For entries through unparsed: with TRUST_PROXY
 * set, whatever the first trusted hop (or, with `true`, the client) wrote lands
 * here. Anything that is not an address is recorded as unknown (null) rather
 * than stored, or failing the sign-in on the column's width.
 */
export function clientAddress(ip: string | undefined): string | null {
  // isIP, not ipaddr.isValid: the latter also takes legacy forms ('1', '0x7f.1')
  // that no socket reports and that only a forged header would carry.
  const version = ip && ip.length <= MAX_IP_LENGTH ? isIP(ip) : 0;
  if (version === 0) return null;
  if (version === 4) return ip!;
  const address = ipaddr.IPv6.parse(ip!);
  return address.isIPv4MappedAddress() ? address.toIPv4Address().toString() : ip!;
}
