import { createUser } from '../../support/factories.js';
import { TestApp, useTestApp } from '../../support/test-app.js';

const FORWARDED_FOR = '203.0.113.7';

async function recordedIp(app: TestApp, userId: string): Promise<string | null> {
  const [row] = await app.sql<{ ip_address: string | null }>(
    'SELECT ip_address FROM sessions WHERE user_id = $1',
    [userId],
  );
  return row.ip_address;
}

describe('the client IP recorded on a session', () => {
  describe('without TRUST_PROXY', () => {
    const app = useTestApp();

    it('is the socket address: a forged X-Forwarded-For is ignored', async () => {
      const user = await createUser(app, { headers: { 'x-forwarded-for': FORWARDED_FOR } });

      expect(await recordedIp(app, user.id)).toBe('127.0.0.1');
    });
  });

  describe('with TRUST_PROXY naming the proxy', () => {
    // The tests connect over loopback, so loopback plays the reverse proxy.
    const app = useTestApp({ TRUST_PROXY: 'loopback' });

    it('is the address the trusted proxy forwarded', async () => {
      const user = await createUser(app, { headers: { 'x-forwarded-for': FORWARDED_FOR } });

      expect(await recordedIp(app, user.id)).toBe(FORWARDED_FOR);
    });

    it('is written as IPv4 when the proxy forwarded an IPv4-mapped IPv6 address', async () => {
      const user = await createUser(app, { headers: { 'x-forwarded-for': `::ffff:${FORWARDED_FOR}` } });

      expect(await recordedIp(app, user.id)).toBe(FORWARDED_FOR);
    });
  });

  describe('with TRUST_PROXY=true', () => {
    const app = useTestApp({ TRUST_PROXY: 'true' });

    it('records no IP, and still signs in, when the forwarded address is not an address', async () => {
      const user = await createUser(app, { headers: { 'x-forwarded-for': `not-an-ip-${'x'.repeat(100)}` } });

      expect(await recordedIp(app, user.id)).toBeNull();
    });
  });
});
