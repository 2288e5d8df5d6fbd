import { loadConfig } from './app-config.js';
import { ConfigValidationError } from './config-validation.error.js';

const provider = {
  id: 'corp',
  name: 'Corp',
  issuer: 'https://login.example.com',
  clientId: 'app',
  clientSecret: 'super-secret-value',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig({ PUBLIC_API_URL: 'https://api.example.com', ...env });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('OIDC_PROVIDERS', () => {
  it('reads a valid list, with the default scopes', () => {
    const config = loadConfig({
      PUBLIC_API_URL: 'https://api.example.com',
      OIDC_PROVIDERS: JSON.stringify([provider]),
    });
    expect(config.oidc.providers).toEqual([
      { ...provider, scopes: ['openid', 'email', 'profile'], trustEmailWithoutVerifiedClaim: false },
    ]);
  });

  it("trusts a provider's email without an email_verified claim only when told to, by name", () => {
    const trusted = { ...provider, trustEmailWithoutVerifiedClaim: true };
    const config = loadConfig({
      PUBLIC_API_URL: 'https://api.example.com',
      OIDC_PROVIDERS: JSON.stringify([trusted]),
    });
    expect(config.oidc.providers[0].trustEmailWithoutVerifiedClaim).toBe(true);
    expect(() =>
      loadConfig({
        PUBLIC_API_URL: 'https://api.example.com',
        OIDC_PROVIDERS: JSON.stringify([{ ...provider, trustEmailWithoutVerifiedClaim: 'yes' }]),
      }),
    ).toThrow('trustEmailWithoutVerifiedClaim must be true or false');
  });

  it('names each bad entry, and never quotes a secret', () => {
    const problems = problemsOf({
      OIDC_PROVIDERS: JSON.stringify([
        { ...provider, issuer: 'http://login.example.com' },
        { ...provider, id: 'Bad Id' },
        { ...provider, id: 'other', clientSecret: '' },
      ]),
    });
    expect(problems).toEqual([
      'OIDC_PROVIDERS[0] ("corp"): issuer must be an https URL (http only for localhost)',
      'OIDC_PROVIDERS[1] ("Bad Id"): id must be lower-case letters, digits and dashes (at most 63)',
      'OIDC_PROVIDERS[2] ("other"): clientSecret must be a non-empty string',
    ]);
    expect(problems.join('\n')).not.toContain('super-secret-value');
  });

  it('refuses what is not a JSON array, without echoing it', () => {
    expect(problemsOf({ OIDC_PROVIDERS: '{"clientSecret": "leak-me"' })).toEqual([
      'OIDC_PROVIDERS must be a JSON array of providers',
    ]);
  });

  it('refuses the same id twice', () => {
    expect(problemsOf({ OIDC_PROVIDERS: JSON.stringify([provider, provider]) })).toEqual([
      'OIDC_PROVIDERS[1]: id "corp" is used twice',
    ]);
  });

  it('needs PUBLIC_API_URL for the callback URLs', () => {
    expect(() => loadConfig({ OIDC_PROVIDERS: JSON.stringify([provider]) })).toThrow(
      'PUBLIC_API_URL is required when OIDC_PROVIDERS is set',
    );
  });

  it('needs OIDC_STATE_SECRET in production, and a long one anywhere', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/app',
      PUBLIC_APP_URL: 'https://app.example.com',
      OIDC_PROVIDERS: JSON.stringify([provider]),
    };
    expect(problemsOf(production)).toContain(
      'OIDC_STATE_SECRET is required when NODE_ENV=production and OIDC_PROVIDERS is set',
    );
    expect(problemsOf({ OIDC_STATE_SECRET: 'short' })).toEqual([
      'OIDC_STATE_SECRET must be at least 32 characters',
    ]);
  });
});
