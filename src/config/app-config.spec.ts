import { ConfigValidationError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('defaults to development on port 3000 with 30-day sessions and an embedded database in .data', () => {
    expect(loadConfig({})).toEqual({
      environment: 'development',
      isProduction: false,
      port: 3000,
      databaseUrl: undefined,
      dataDir: '.data',
      sessionTtlSeconds: 30 * 24 * 60 * 60,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        NODE_ENV: 'production',
        PORT: '8080',
        DATABASE_URL: 'postgres://db/app',
        DATA_DIR: '/var/lib/app',
        SESSION_TTL_SECONDS: '5',
      }),
    ).toEqual({
      environment: 'production',
      isProduction: true,
      port: 8080,
      databaseUrl: 'postgres://db/app',
      dataDir: '/var/lib/app',
      sessionTtlSeconds: 5,
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 });
  });

  it.each([
    [{ SESSION_TTL_SECONDS: '0' }, 'SESSION_TTL_SECONDS'],
    [{ SESSION_TTL_SECONDS: '-5' }, 'SESSION_TTL_SECONDS'],
    [{ SESSION_TTL_SECONDS: '1.5' }, 'SESSION_TTL_SECONDS'],
    [{ SESSION_TTL_SECONDS: 'a week' }, 'SESSION_TTL_SECONDS'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: 'http' }, 'PORT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigValidationError);
    expect(() => loadConfig(env)).toThrow(new RegExp(variable));
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', SESSION_TTL_SECONDS: '0' })).toThrow(
      /PORT[\s\S]*SESSION_TTL_SECONDS/,
    );
  });
});
