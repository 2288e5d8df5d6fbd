import ipaddr from 'ipaddr.js';

/**
 * One ISP customer usually gets a whole IPv6 /64 and may use any address in
 * it, so an IPv6 client is counted by its /64 prefix; an IPv4 client (also
 * when written as IPv4-mapped IPv6, `::ffff:1.2.3.4`) by its address.
 */
const IPV6_PREFIX_LENGTH = 64;

/**
 * The network an attempt is counted against. Pass `request.ip`: the socket's
 * address, unless Express's `trust proxy` names the proxies that may speak for
 * the client (otherwise X-Forwarded-For could be forged to dodge the limit).
 */
export function clientNetwork(ip: string | undefined): string {
  const bare = ip?.split('%')[0]; // an IPv6 zone (fe80::1%eth0) names our interface, not the client
  if (!bare || !ipaddr.isValid(bare)) return ip ?? 'unknown';
  const address = ipaddr.process(bare);
  if (address.kind() === 'ipv4') return address.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${IPV6_PREFIX_LENGTH}`);
  return `${network.toString()}/${IPV6_PREFIX_LENGTH}`;
}
