import { ConfigValidationError, loadConfig } from './app-config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

// No providers: a per-process state secret (random), the retry delay's default.
const NO_PROVIDERS = {
  providers: [],
  stateCookieSecret: expect.stringMatching(/^[\w-]{43}$/) as unknown,
  discoveryRetryDelayMs: 5000,
};

// Production refuses to start without a mail server and the app's address for its links.
const PRODUCTION = {
  NODE_ENV: 'production',
  SMTP_URL: 'smtp://smtp.example.com',
  MAIL_FROM: 'a@example.com',
  PUBLIC_APP_URL: 'https://app.example.com',
  TWO_FACTOR_ENCRYPTION_KEY: 'ab'.repeat(32),
};

describe('loadConfig', () => {
  it('defaults to development on port 3000 with 30-day idle and 90-day absolute sessions, an embedded database in .data and no trusted proxy', () => {
    expect(loadConfig({})).toEqual({
      environment: 'development',
      isProduction: false,
      port: 3000,
      databaseUrl: undefined,
      databasePooler: 'none',
      databaseMigrationUrl: undefined,
      databaseListenUrl: undefined,
      dataDir: '.data',
      sessionTtlSeconds: 30 * 24 * 60 * 60,
      sessionMaxLifetimeSeconds: 90 * 24 * 60 * 60,
      sessionTouchIntervalSeconds: 60,
      sessionsPerUserMax: 100,
      requestBodyLimitBytes: 16 * 1024,
      sessionCleanupIntervalSeconds: 60 * 60,
      sudoModeSeconds: 600,
      credentialChangeMaxAgeSeconds: 300,
      securityEventsRetentionDays: 400,
      trustProxy: false,
      corsOrigins: [],
      graphqlIntrospection: true,
      graphqlIde: true,
      logLevel: 'info',
      rateLimitPerIp: 100,
      rateLimitPerIpAndAccount: 10,
      rateLimitWindowSeconds: 15 * 60,
      databaseConnectTimeoutMs: 5_000,
      databaseStatementTimeoutMs: 10_000,
      databaseConnectRetries: 9,
      databaseConnectRetryDelayMs: 3_000,
      logBufferBytes: 4 * 1024 * 1024,
      shutdownTimeoutSeconds: 30,
      publicApiOrigin: null,
      publicAppUrl: 'http://localhost:5173',
      httpHeadersTimeoutSeconds: 10,
      httpRequestTimeoutSeconds: 15,
      httpKeepAliveTimeoutSeconds: 72,
      httpMaxConnections: 16_384,
      live: {
        maxConnectionsPerSession: 10,
        maxConnectionsPerIp: 200,
        maxMessageBytes: 16 * 1024,
        maxSubscriptionsPerConnection: 10,
        maxMessagesPerMinute: 120,
        pingIntervalSeconds: 15,
        listenerHeartbeatSeconds: 10,
      },
      oidc: { ...NO_PROVIDERS, publicApiOrigin: null },
      mail: {
        smtpUrl: null,
        from: 'Sessions <no-reply@localhost>',
        resetTokenTtlSeconds: 3600,
        verificationTokenTtlSeconds: 86_400,
        alertTokenTtlSeconds: 604_800,
        deliveryIntervalMs: 1000,
        maxAttempts: 10,
      },
      twoFactor: { challengeSeconds: 300, totpIssuer: 'Sessions', encryptionKey: null },
      // The country database installed from npm, checked for a new version every minute.
      geoip: {
        databasePath: expect.stringMatching(
          /node_modules\/@ip-location-db\/geo-whois-asn-country-mmdb\/geo-whois-asn-country\.mmdb$/,
        ) as unknown,
        watchIntervalSeconds: 60,
      },
      // Passkeys belong to the example client's development address.
      webauthn: { rpId: 'localhost', origins: ['http://localhost:5173'] },
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        NODE_ENV: 'production',
        PORT: '8080',
        DATABASE_URL: 'postgres://db/app',
        DATABASE_POOLER: 'transaction',
        DATABASE_MIGRATION_URL: 'postgres://db-direct/app',
        DATABASE_LISTEN_URL: 'postgres://db-direct/app',
        DATA_DIR: '/var/lib/app',
        SESSION_TTL_SECONDS: '5',
        SESSION_MAX_LIFETIME_SECONDS: '9',
        SESSION_TOUCH_INTERVAL_SECONDS: '2',
        SESSION_CLEANUP_INTERVAL_SECONDS: '30',
        SUDO_MODE_SECONDS: '120',
        SECURITY_EVENTS_RETENTION_DAYS: '90',
        SESSIONS_PER_USER_MAX: '20',
        TRUST_PROXY: '1',
        CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/',
        GRAPHQL_INTROSPECTION: 'true',
        GRAPHQL_IDE: 'true',
        RATE_LIMIT_PER_IP: '50',
        RATE_LIMIT_PER_IP_AND_ACCOUNT: '5',
        RATE_LIMIT_WINDOW_SECONDS: '60',
        DATABASE_CONNECT_TIMEOUT_MS: '2000',
        DATABASE_STATEMENT_TIMEOUT_MS: '3000',
        DATABASE_CONNECT_RETRIES: '0',
        DATABASE_CONNECT_RETRY_DELAY_MS: '200',
        LOG_BUFFER_BYTES: '65536',
        SHUTDOWN_TIMEOUT_SECONDS: '12',
        PUBLIC_API_URL: 'https://api.example.com/graphql',
        PUBLIC_APP_URL: 'https://app.example.com/account/',
        GEOIP_DATABASE: '/var/lib/geoip/GeoLite2-City.mmdb',
        GEOIP_WATCH_INTERVAL_SECONDS: '3600',
        HTTP_HEADERS_TIMEOUT_SECONDS: '5',
        HTTP_REQUEST_TIMEOUT_SECONDS: '20',
        HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '65',
        HTTP_MAX_CONNECTIONS: '500',
        LIVE_MAX_CONNECTIONS_PER_SESSION: '3',
        LIVE_MAX_CONNECTIONS_PER_IP: '40',
        LIVE_MAX_MESSAGE_BYTES: '4096',
        LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '4',
        LIVE_PING_INTERVAL_SECONDS: '5',
        LIVE_LISTENER_HEARTBEAT_SECONDS: '3',
        LOG_LEVEL: 'debug',
        SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
        MAIL_FROM: 'Acme <no-reply@example.com>',
        EMAIL_TOKEN_TTL_SECONDS: '600',
        EMAIL_VERIFICATION_TOKEN_TTL_SECONDS: '7200',
        EMAIL_ALERT_TOKEN_TTL_SECONDS: '86400',
        MAIL_DELIVERY_INTERVAL_MS: '500',
        MAIL_MAX_ATTEMPTS: '3',
        TWO_FACTOR_CHALLENGE_SECONDS: '120',
        TOTP_ISSUER: 'Acme',
        TWO_FACTOR_ENCRYPTION_KEY: 'cd'.repeat(32),
        WEBAUTHN_RP_ID: 'example.com',
        WEBAUTHN_ORIGINS: 'https://app.example.com, https://www.example.com/',
      }),
    ).toEqual({
      environment: 'production',
      isProduction: true,
      port: 8080,
      databaseUrl: 'postgres://db/app',
      databasePooler: 'transaction',
      databaseMigrationUrl: 'postgres://db-direct/app',
      databaseListenUrl: 'postgres://db-direct/app',
      dataDir: '/var/lib/app',
      sessionTtlSeconds: 5,
      sessionMaxLifetimeSeconds: 9,
      sessionTouchIntervalSeconds: 2,
      sessionsPerUserMax: 20,
      requestBodyLimitBytes: 16 * 1024,
      sessionCleanupIntervalSeconds: 30,
      sudoModeSeconds: 120,
      credentialChangeMaxAgeSeconds: 300,
      securityEventsRetentionDays: 90,
      trustProxy: 1,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      logLevel: 'debug',
      graphqlIntrospection: true,
      graphqlIde: true,
      rateLimitPerIp: 50,
      rateLimitPerIpAndAccount: 5,
      rateLimitWindowSeconds: 60,
      databaseConnectTimeoutMs: 2_000,
      databaseStatementTimeoutMs: 3_000,
      databaseConnectRetries: 0,
      databaseConnectRetryDelayMs: 200,
      logBufferBytes: 65_536,
      shutdownTimeoutSeconds: 12,
      publicApiOrigin: 'https://api.example.com',
      publicAppUrl: 'https://app.example.com/account',
      httpHeadersTimeoutSeconds: 5,
      httpRequestTimeoutSeconds: 20,
      httpKeepAliveTimeoutSeconds: 65,
      httpMaxConnections: 500,
      live: {
        maxConnectionsPerSession: 3,
        maxConnectionsPerIp: 40,
        maxMessageBytes: 4096,
        maxSubscriptionsPerConnection: 4,
        maxMessagesPerMinute: 120,
        pingIntervalSeconds: 5,
        listenerHeartbeatSeconds: 3,
      },
      oidc: { ...NO_PROVIDERS, publicApiOrigin: 'https://api.example.com' },
      mail: {
        smtpUrl: 'smtps://mailer:pw@smtp.example.com:465',
        from: 'Acme <no-reply@example.com>',
        resetTokenTtlSeconds: 600,
        verificationTokenTtlSeconds: 7200,
        alertTokenTtlSeconds: 86_400,
        deliveryIntervalMs: 500,
        maxAttempts: 3,
      },
      twoFactor: {
        challengeSeconds: 120,
        totpIssuer: 'Acme',
        encryptionKey: Buffer.from('cd'.repeat(32), 'hex'),
      },
      geoip: { databasePath: '/var/lib/geoip/GeoLite2-City.mmdb', watchIntervalSeconds: 3600 },
      webauthn: { rpId: 'example.com', origins: ['https://app.example.com', 'https://www.example.com'] },
    });
  });

  it('logs warnings and errors only in tests, unless LOG_LEVEL says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('warn');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info' }).logLevel).toBe('info');
    expect(loadConfig({ ...PRODUCTION, DATABASE_URL: 'postgres://db/app' }).logLevel).toBe('info');
  });

  it('turns introspection and GraphiQL off in production unless they are asked for', () => {
    expect(loadConfig({ ...PRODUCTION, DATABASE_URL: 'postgres://db/app' })).toMatchObject({
      graphqlIntrospection: false,
      graphqlIde: false,
    });
    expect(loadConfig({ NODE_ENV: 'development', GRAPHQL_IDE: 'false' })).toMatchObject({
      graphqlIntrospection: true,
      graphqlIde: false,
    });
  });

  it('refuses to start in production without SMTP_URL, and with SMTP_URL but no MAIL_FROM', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app' })).toThrow(
      /SMTP_URL is required in production/,
    );
    expect(() => loadConfig({ SMTP_URL: 'smtp://127.0.0.1:25' })).toThrow(/MAIL_FROM is required/);
  });

  it('refuses to start in production without TWO_FACTOR_ENCRYPTION_KEY, and anywhere with a key that is not 32 bytes, never echoing it', () => {
    const withoutKey = { ...PRODUCTION, TWO_FACTOR_ENCRYPTION_KEY: undefined };
    expect(problemsOf({ ...withoutKey, DATABASE_URL: 'postgres://db/app' })).toEqual([
      expect.stringMatching(/^TWO_FACTOR_ENCRYPTION_KEY is required when NODE_ENV=production/) as unknown,
    ]);
    expect(problemsOf({ TWO_FACTOR_ENCRYPTION_KEY: 'too-short-a-secret' })).toEqual([
      expect.stringMatching(/^TWO_FACTOR_ENCRYPTION_KEY must be 32 random bytes/) as unknown,
    ]);
    expect(problemsOf({ TWO_FACTOR_ENCRYPTION_KEY: 'too-short-a-secret' }).join()).not.toContain('too-short');
    // Base64 of 32 bytes, padded or not, either alphabet.
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ TWO_FACTOR_ENCRYPTION_KEY: key.toString('base64') }).twoFactor.encryptionKey).toEqual(
      key,
    );
    expect(
      loadConfig({ TWO_FACTOR_ENCRYPTION_KEY: key.toString('base64url') }).twoFactor.encryptionKey,
    ).toEqual(key);
  });

  it('refuses to start in production without DATABASE_URL, saying why', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL is required when NODE_ENV=production/,
    );
  });

  it('never repeats the value of a bad DATABASE_URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://admin:s3cret@db/app' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://admin:s3cret@db/app' })).not.toThrow(/s3cret/);
  });

  it('reads the pooler settings, defaulting to a direct connection', () => {
    expect(loadConfig({})).toMatchObject({
      databasePooler: 'none',
      databaseMigrationUrl: undefined,
      databaseListenUrl: undefined,
    });
    expect(
      loadConfig({
        DATABASE_POOLER: 'transaction',
        DATABASE_MIGRATION_URL: 'postgres://db:5432/app',
        DATABASE_LISTEN_URL: 'postgresql://db:5432/app',
      }),
    ).toMatchObject({
      databasePooler: 'transaction',
      databaseMigrationUrl: 'postgres://db:5432/app',
      databaseListenUrl: 'postgresql://db:5432/app',
    });
    expect(() => loadConfig({ DATABASE_POOLER: 'session' })).toThrow(
      /DATABASE_POOLER must be one of none, transaction \(got "session"\)/,
    );
  });

  it.each(['DATABASE_MIGRATION_URL', 'DATABASE_LISTEN_URL'])(
    'refuses a %s that is not a postgres URL without repeating it',
    (name) => {
      expect(() => loadConfig({ [name]: 'mysql://admin:s3cret@db/app' })).toThrow(
        new RegExp(`${name} must be a postgres`),
      );
      expect(() => loadConfig({ [name]: 'mysql://admin:s3cret@db/app' })).not.toThrow(/s3cret/);
    },
  );

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
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CORS_ORIGINS: 'app.example.com' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ GRAPHQL_INTROSPECTION: 'yes' }, 'GRAPHQL_INTROSPECTION'],
    [{ GRAPHQL_IDE: '1' }, 'GRAPHQL_IDE'],
    [{ RATE_LIMIT_PER_IP: '0' }, 'RATE_LIMIT_PER_IP'],
    [{ RATE_LIMIT_PER_IP_AND_ACCOUNT: 'ten' }, 'RATE_LIMIT_PER_IP_AND_ACCOUNT'],
    [{ RATE_LIMIT_WINDOW_SECONDS: '-1' }, 'RATE_LIMIT_WINDOW_SECONDS'],
    [{ DATABASE_CONNECT_TIMEOUT_MS: '0' }, 'DATABASE_CONNECT_TIMEOUT_MS'],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '1.5' }, 'DATABASE_STATEMENT_TIMEOUT_MS'],
    [{ DATABASE_CONNECT_RETRIES: '-1' }, 'DATABASE_CONNECT_RETRIES'],
    [{ DATABASE_CONNECT_RETRY_DELAY_MS: '0' }, 'DATABASE_CONNECT_RETRY_DELAY_MS'],
    [{ LOG_BUFFER_BYTES: '4MiB' }, 'LOG_BUFFER_BYTES'],
    [{ SHUTDOWN_TIMEOUT_SECONDS: '0' }, 'SHUTDOWN_TIMEOUT_SECONDS'],
    [{ PUBLIC_API_URL: 'api.example.com' }, 'PUBLIC_API_URL'],
    [{ PUBLIC_APP_URL: 'javascript:alert(1)' }, 'PUBLIC_APP_URL'],
    [{ HTTP_REQUEST_TIMEOUT_SECONDS: '0' }, 'HTTP_REQUEST_TIMEOUT_SECONDS'],
    [
      { HTTP_HEADERS_TIMEOUT_SECONDS: '30', HTTP_REQUEST_TIMEOUT_SECONDS: '20' },
      'HTTP_HEADERS_TIMEOUT_SECONDS',
    ],
    [{ HTTP_MAX_CONNECTIONS: '-1' }, 'HTTP_MAX_CONNECTIONS'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigValidationError);
    expect(() => loadConfig(env)).toThrow(new RegExp(variable));
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', SESSION_TTL_SECONDS: '0' })).toThrow(
      /PORT[\s\S]*SESSION_TTL_SECONDS/,
    );
  });
  it('accepts any positive whole number of seconds, down to one', () => {
    expect(
      loadConfig({
        SESSION_TTL_SECONDS: '4',
        SESSION_MAX_LIFETIME_SECONDS: '6',
        SESSION_TOUCH_INTERVAL_SECONDS: '1',
        SESSION_CLEANUP_INTERVAL_SECONDS: ' 7 ',
      }),
    ).toMatchObject({
      sessionTtlSeconds: 4,
      sessionMaxLifetimeSeconds: 6,
      sessionTouchIntervalSeconds: 1,
      sessionCleanupIntervalSeconds: 7,
    });
  });

  it.each([
    'SESSION_TTL_SECONDS',
    'SESSION_MAX_LIFETIME_SECONDS',
    'SESSION_TOUCH_INTERVAL_SECONDS',
    'SESSION_CLEANUP_INTERVAL_SECONDS',
  ])('refuses a %s that is not a positive integer, naming the variable once per value', (name) => {
    for (const value of ['0', '-5', '1.5', 'ten', '99999999999999999']) {
      const problems = problemsOf({ [name]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`${name} must be a positive integer number of seconds`);
      expect(problems[0]).toContain(JSON.stringify(value));
    }
  });

  it('accepts SUDO_MODE_SECONDS=0 (step-up off) and refuses anything but a whole number of seconds', () => {
    expect(loadConfig({ SUDO_MODE_SECONDS: '0' }).sudoModeSeconds).toBe(0);
    expect(loadConfig({ SUDO_MODE_SECONDS: '30' }).sudoModeSeconds).toBe(30);
    for (const value of ['-1', '1.5', 'ten', '99999999999999999']) {
      const problems = problemsOf({ SUDO_MODE_SECONDS: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('SUDO_MODE_SECONDS must be a whole number of seconds from 0 (off)');
    }
  });

  it('turns location off with GEOIP_DATABASE=off, and reads a relative path from the working directory', () => {
    expect(loadConfig({ GEOIP_DATABASE: 'off' }).geoip.databasePath).toBeNull();
    expect(loadConfig({ GEOIP_DATABASE: 'OFF', GEOIP_WATCH_INTERVAL_SECONDS: '0' }).geoip).toEqual({
      databasePath: null,
      watchIntervalSeconds: 0,
    });
    expect(loadConfig({ GEOIP_DATABASE: 'geo/city.mmdb' }).geoip.databasePath).toBe(
      `${process.cwd()}/geo/city.mmdb`,
    );
  });

  it('refuses a GEOIP_DATABASE that is not off or an .mmdb path, and a bad watch interval, naming them', () => {
    expect(problemsOf({ GEOIP_DATABASE: 'GeoLite2-City.mmdb.gz' })).toEqual([
      'GEOIP_DATABASE must be off or the path of an .mmdb file (MaxMind DB format, not gzipped) (got "GeoLite2-City.mmdb.gz")',
    ]);
    expect(problemsOf({ GEOIP_DATABASE: 'no' })).toHaveLength(1);
    expect(problemsOf({ GEOIP_WATCH_INTERVAL_SECONDS: '-1' })).toEqual([
      expect.stringContaining('GEOIP_WATCH_INTERVAL_SECONDS must be a whole number of seconds from 0 (off)'),
    ]);
  });

  it('refuses a SECURITY_EVENTS_RETENTION_DAYS outside 1 to 36600 days, naming the variable', () => {
    expect(loadConfig({ SECURITY_EVENTS_RETENTION_DAYS: '30' }).securityEventsRetentionDays).toBe(30);
    for (const value of ['0', '-1', '2.5', 'forever', '36601']) {
      const problems = problemsOf({ SECURITY_EVENTS_RETENTION_DAYS: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('SECURITY_EVENTS_RETENTION_DAYS must be a whole number of days');
    }
  });

  it('refuses a SESSIONS_PER_USER_MAX that is not a positive integer, naming the variable', () => {
    for (const value of ['0', '-1', '2.5', 'many']) {
      const problems = problemsOf({ SESSIONS_PER_USER_MAX: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('SESSIONS_PER_USER_MAX must be a positive integer');
    }
  });

  it('reads TRUST_PROXY the way Express understands it', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.168.1.7' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.7',
    ]);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/255.0.0.0' }).trustProxy).toEqual(['10.0.0.0/255.0.0.0']);
  });

  it.each(['yes', '10.0.0.0/33', '::1/129', 'proxy.internal', 'loopback,', '10.0.0.1/8/8'])(
    'refuses TRUST_PROXY=%s with a message naming the variable',
    (value) => {
      const problems = problemsOf({ TRUST_PROXY: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^TRUST_PROXY must be/);
    },
  );
});

describe('PUBLIC_APP_URL', () => {
  it('has no default in production, where a link to a developer machine would reach users: start is refused', () => {
    expect(() =>
      loadConfig({ ...PRODUCTION, PUBLIC_APP_URL: '', DATABASE_URL: 'postgres://db/app' }),
    ).toThrow(/PUBLIC_APP_URL is required in production/);
  });
});
