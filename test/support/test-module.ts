import 'reflect-metadata';

import type { INestApplicationContext, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';

import { AppModule } from '../../src/app.module.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { createRootLogger } from '../../src/logging/logger.js';
import { failNextStatement } from './failing-statement.js';
import { setStatementTimeout } from './pgbouncer.js';
import { PRODUCTION_MAIL_ENV } from './production-mail-env.js';
import { type RecordedStatement, recordStatements } from './statement-recorder.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { testLogDestination } from './test-log-sink.js';

/** The configuration every test app or module runs with: the test's env over test defaults. */
export function testConfig(env: NodeJS.ProcessEnv, database: TestDatabase): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    // Every test signs in from 127.0.0.1, many times over: only the tests of
    // the rate limiter itself (which set their own limits) should meet it.
    RATE_LIMIT_PER_IP: '100000',
    RATE_LIMIT_PER_IP_AND_ACCOUNT: '100000',
    // LISTEN (live updates) needs the database itself, never the transaction pooler.
    ...(database.directUrl
      ? { DATABASE_POOLER: 'transaction', DATABASE_LISTEN_URL: database.directUrl }
      : {}),
    // Mail is delivered when a test runs MailDeliveryJob itself (or sets its own interval).
    MAIL_DELIVERY_INTERVAL_MS: '3600000',
    ...(env.NODE_ENV === 'production' ? PRODUCTION_MAIL_ENV : {}),
    ...env,
    DATABASE_URL: database.url,
  });
}

/**
 * Behind a transaction pooler a single statement runs with the server's
 * statement_timeout: set it on the database, as an operator would on the role
 * (the app's start-up check says so when it is missing).
 */
export async function prepareTestDatabase(config: AppConfig, database: TestDatabase): Promise<void> {
  if (database.directUrl && config.databasePooler === 'transaction') {
    await setStatementTimeout(database.directUrl, config.databaseStatementTimeoutMs);
  }
}

/**
 * The real AppModule, compiled for `database` (not yet initialised). Its log goes to
 * `logDestination`, else to the test's held logs (shown if the test fails; TEST_LOGS=1: stdout).
 */
export function compileAppModule(
  config: AppConfig,
  database: TestDatabase,
  logDestination?: DestinationStream,
): ReturnType<ReturnType<typeof Test.createTestingModule>['compile']> {
  const logger = createRootLogger(config.logLevel, logDestination ?? testLogDestination());
  return Test.createTestingModule({
    imports: [AppModule.forRoot({ config, databaseUrl: config.databaseUrl ?? database.url, logger })],
  }).compile();
}

/**
 * The real AppModule as an application context over its own database: every
 * provider, the scheduler and the database, but no HTTP server. For tests of
 * services and repositories (test/integration/). TestApp adds the HTTP side.
 */
export class TestModule<N extends INestApplicationContext = INestApplicationContext> {
  protected constructor(
    /** The Nest application (context) itself, for what `get()` does not cover. */
    readonly nest: N,
    readonly database: TestDatabase,
    private readonly ownsDatabase: boolean,
  ) {}

  static async create(env: NodeJS.ProcessEnv = {}): Promise<TestModule> {
    const database = await createTestDatabase();
    try {
      const config = testConfig(env, database);
      await prepareTestDatabase(config, database);
      const moduleRef = await compileAppModule(config, database);
      await moduleRef.init();
      return new TestModule(moduleRef, database, true);
    } catch (error) {
      await database.drop();
      throw error;
    }
  }

  /** The app's instance of a provider, e.g. `get(SessionsService)`. */
  get<T>(type: Type<T>): T {
    return this.nest.get(type, { strict: false });
  }

  get dataSource(): DataSource {
    return this.get(DataSource);
  }

  /** The SQL statements this app sent to its database while `action` ran. */
  statementsDuring(action: () => Promise<unknown>): Promise<RecordedStatement[]> {
    return recordStatements(new URL(this.database.url).pathname.slice(1), action);
  }

  /**
   * The next statement named `name` sent to this test's database, by this app or another sharing
   * it, fails once with a plain error (test/support/failing-statement.ts); resolves when it has.
   */
  failNextStatement(name: string): Promise<void> {
    return failNextStatement(new URL(this.database.url).pathname.slice(1), name);
  }

  /** Raw SQL against this test's database, to check what the code really changed. */
  sql<T = Record<string, unknown>>(query: string, parameters: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(query, parameters);
  }

  async close(): Promise<void> {
    await this.nest.close();
    if (this.ownsDatabase) await this.database.drop();
  }
}

/**
 * A stand-in for a value created in beforeAll: forwards every property to it
 * once it exists, and says so plainly when a test reaches it too early.
 */
export function forwardTo<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_stub, property) {
      const target = current();
      if (!target) throw new Error(`the ${what} was used outside its tests (reading ${String(property)})`);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A describe block's application context for the usual life: created before
 * its tests (beforeAll) over a fresh clone of the migrated database, closed
 * after them (afterAll). Use as a plain variable: `module.get(SessionsService)`,
 * `module.sql(…)`, `module.database`.
 */
export function useTestModule(env: NodeJS.ProcessEnv = {}): TestModule {
  let current: TestModule | undefined;
  beforeAll(async () => {
    current = await TestModule.create(env);
  });
  afterAll(async () => {
    await current?.close();
  });
  return forwardTo(() => current, 'test module');
}
