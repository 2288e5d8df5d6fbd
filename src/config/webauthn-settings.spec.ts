import { ConfigValidationError, loadConfig } from './app-config.js';

describe('WebAuthn settings', () => {
  it('default to PUBLIC_APP_URL: its host name is the RP ID and its origin the one origin', () => {
    expect(loadConfig({ PUBLIC_APP_URL: 'https://app.example.com:8443/base/' }).webauthn).toEqual({
      rpId: 'app.example.com',
      origins: ['https://app.example.com:8443'],
    });
  });

  it('refuse to start with an origin that is not on the RP ID, naming both', () => {
    expect(() =>
      loadConfig({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.org' }),
    ).toThrow(
      new ConfigValidationError([
        'WEBAUTHN_ORIGINS: https://example.org is not on WEBAUTHN_RP_ID example.com (browsers refuse such a ceremony)',
      ]),
    );
    // A suffix that is not a whole label is another domain.
    expect(() =>
      loadConfig({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://badexample.com' }),
    ).toThrow(ConfigValidationError);
  });

  it('refuse an RP ID with a scheme or port, and an origin that is not http(s)', () => {
    expect(() => loadConfig({ WEBAUTHN_RP_ID: 'https://example.com' })).toThrow(
      /WEBAUTHN_RP_ID must be a host name/,
    );
    expect(() => loadConfig({ WEBAUTHN_RP_ID: 'example.com:443' })).toThrow(
      /WEBAUTHN_RP_ID must be a host name/,
    );
    expect(() => loadConfig({ WEBAUTHN_ORIGINS: 'ftp://localhost' })).toThrow(
      /WEBAUTHN_ORIGINS: "ftp:\/\/localhost" is not an http\(s\) origin/,
    );
  });
});
