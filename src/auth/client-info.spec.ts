import { clientAddress } from './client-info.js';

describe('clientAddress', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
  ])('records %s as %s', (ip, recorded) => {
    expect(clientAddress(ip)).toBe(recorded);
  });

  it.each([undefined, '', 'not an address', '1', '0x7f.1', `::ffff:${'1'.repeat(50)}`])(
    'records %p as unknown',
    (ip) => {
      expect(clientAddress(ip)).toBeNull();
    },
  );
});
