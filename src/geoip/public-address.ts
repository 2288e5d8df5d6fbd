import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';

/**
 * Whether `ip` is a public unicast address, the only kind a geolocation
 * database can place. Private, loopback, link-local, carrier-grade NAT and
 * documentation ranges say nothing about where a person is (a database may
 * still carry a row for them, e.g. its publisher's office): never looked up.
 */
export function isPublicAddress(ip: string): boolean {
  // A zone id (fe80::1%eth0) is link-local anyway.
  if (isIP(ip) === 0 || ip.includes('%')) return false;
  return ipaddr.process(ip).range() === 'unicast';
}
