import { isIP } from 'node:net';

import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';

import type { ApproximateLocation } from '../geoip/approximate-location.js';
import type { IpLocator } from '../geoip/ip-locator.js';
import type { ClientInfo } from '../sessions/session.types.js';

// The longest textual IPv6 address (IPv4-mapped); the column is this wide.
const MAX_IP_LENGTH = 45;

/**
 * `request.ip` is the socket's address unless Fastify's `trustProxy` (the
 * TRUST_PROXY setting) says which proxies may speak for the client, so
 * X-Forwarded-For cannot be forged. The location is of that same address.
 */
export function clientInfoOf(request: FastifyRequest): ClientInfo {
  return clientInfoFrom(clientAddress(request.ip), request.headers['user-agent'] ?? null, request.ipLocator);
}

/**
 * Client info with its location looked up when first read, at most once:
 * most requests write no address (the touch is due once a minute, and finds
 * the same address), and they make no lookup. Whatever writes an address
 * (a new session, an event, a touch that saw the address change) reads it.
 */
export function clientInfoFrom(
  ipAddress: string | null,
  userAgent: string | null,
  locator: IpLocator | undefined,
): ClientInfo {
  let location: ApproximateLocation | null | undefined;
  return {
    ipAddress,
    userAgent,
    get location(): ApproximateLocation | null {
      if (location === undefined) location = locator?.locate(ipAddress) ?? null;
      return location;
    },
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
