import { clientNetwork } from './client-network.js';

describe('clientNetwork', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:a:b::1', '2001:db8:a:b::/64'],
    ['2001:db8:a:b:ffff:ffff:ffff:ffff', '2001:db8:a:b::/64'],
    ['2001:0DB8:000A:000B:0:0:0:1', '2001:db8:a:b::/64'],
    ['::1', '::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
  ])('counts %s as %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });

  it('keeps two /64 networks apart', () => {
    expect(clientNetwork('2001:db8:a:b::1')).not.toBe(clientNetwork('2001:db8:a:c::1'));
  });

  it('still names a client whose address is missing or unreadable', () => {
    expect(clientNetwork(undefined)).toBe('unknown');
    expect(clientNetwork('not an address')).toBe('not an address');
  });
});
