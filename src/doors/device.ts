import ipaddr from 'ipaddr.js';
import { UAParser } from 'ua-parser-js';

import type { ClientInfo } from '../sessions/session.types.js';

/**
 * What "a device the account has used" means for the new-sign-in alert:
 * browser family (no version, so an update is the same device), OS family,
 * and network prefix (IPv4 /24, IPv6 /64), so a home or office network is
 * one place while another city or ISP is another. Coarse on purpose: a key
 * that changed with every browser update or DHCP lease would mail on every
 * sign-in, and an alert nobody reads protects no one.
 */
export function deviceKeyOf(client: ClientInfo): string {
  const { browser, os } = new UAParser(client.userAgent ?? '').getResult();
  return [browser.name ?? '?', os.name ?? '?', networkPrefix(client.ipAddress)].join('|').slice(0, 200);
}

/** The words of the alert: "Firefox on Windows". */
export function deviceNameOf(client: ClientInfo): string {
  const { browser, os } = new UAParser(client.userAgent ?? '').getResult();
  return `${browser.name ?? 'An unknown browser'} on ${os.name ?? 'an unknown system'}`;
}

function networkPrefix(ip: string | null): string {
  const bare = ip?.split('%')[0];
  if (!bare || !ipaddr.isValid(bare)) return '?';
  const address = ipaddr.process(bare);
  if (address.kind() === 'ipv4')
    return `${ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/24`).toString()}/24`;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`;
}
