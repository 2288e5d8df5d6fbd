import { helmetHeaders } from './security-headers.js';

describe('helmetHeaders', () => {
  it("are helmet's own set with the API's policy: nothing may load, frame or submit anything", () => {
    const headers = helmetHeaders();

    expect(headers['content-security-policy']).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    );
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    });
  });

  it('follow the options given, as helmet reads them', () => {
    expect(helmetHeaders({ strictTransportSecurity: false })).not.toHaveProperty('strict-transport-security');
  });
});
