import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { createRootLogger } from '../../src/logging/logger.js';
import { type RecordedStatement, recordStatements } from './statement-recorder.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface GraphqlResponse<TData = Record<string, unknown>> {
  status: number;
  data?: TData | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
  headers: Headers;
  /** `Set-Cookie` headers of the response. */
  setCookies: string[];
  /** The body as received, for answers that are not GraphQL JSON. */
  text: string;
}

type GraphqlErrors = GraphqlResponse['errors'];

/**
 * The errors with `extensions.requestId` left out: it names the request, not
 * the outcome, so two answers that must be identical differ only there.
 */
export function withoutRequestIds(errors: GraphqlErrors): GraphqlErrors {
  return errors?.map((error) => {
    if (!error.extensions) return error;
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { requestId, ...extensions } = error.extensions;
    return { ...error, extensions };
  });
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as the session cookie. */
  cookie?: string;
  userAgent?: string;
  headers?: Record<string, string>;
}

export interface TestAppOptions {
  /** Captures the JSON log. */
  logDestination?: DestinationStream;
  /**
   * Serve another app's database instead of a fresh clone, as a second
   * instance of the service would; the database stays with its owner.
   */
  shareDatabaseOf?: TestApp;
  /** A database of the test's own making (e.g. on a server it stops and starts); not dropped on close. */
  database?: TestDatabase;
}

/** The real AppModule and HTTP pipeline on a random port, over its own database. */
export class TestApp {
  private constructor(
    readonly app: NestExpressApplication,
    readonly url: string,
    readonly database: TestDatabase,
    private readonly ownsDatabase: boolean,
  ) {}

  /**
   * `logDestination` captures the JSON log (at LOG_LEVEL, `warn` by default in
   * tests). The request logger is one per process (nestjs-pino), so a test
   * that reads the log makes its file's first app.
   */
  static async create(env: NodeJS.ProcessEnv = {}, options: TestAppOptions = {}): Promise<TestApp> {
    const given = options.shareDatabaseOf?.database ?? options.database;
    const database = given ?? (await createTestDatabase());
    const config: AppConfig = loadConfig({
      NODE_ENV: 'test',
      // Every test signs in from 127.0.0.1, many times over: only the tests of
      // the rate limiter itself (which set their own limits) should meet it.
      RATE_LIMIT_PER_IP: '100000',
      RATE_LIMIT_PER_IP_AND_ACCOUNT: '100000',
      ...env,
      DATABASE_URL: database.url,
    });
    const logger = createRootLogger(config.logLevel, options.logDestination);
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ config, databaseUrl: database.url, logger })],
    }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    return new TestApp(app, `${await app.getUrl()}`, database, !given);
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /** The SQL statements this app sent to its database while `action` ran. */
  statementsDuring(action: () => Promise<unknown>): Promise<RecordedStatement[]> {
    return recordStatements(new URL(this.database.url).pathname.slice(1), action);
  }

  /** Raw SQL against this test's database, to check what a request really changed. */
  sql<T = Record<string, unknown>>(query: string, parameters: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(query, parameters);
  }

  async gql<TData = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<GraphqlResponse<TData>> {
    return this.post(JSON.stringify({ query, variables }), options);
  }

  async post<TData = Record<string, unknown>>(
    body: string,
    options: RequestOptions & { contentType?: string } = {},
  ): Promise<GraphqlResponse<TData>> {
    const headers: Record<string, string> = {
      'content-type': options.contentType ?? 'application/json',
      ...options.headers,
    };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = `session=${options.cookie}`;
    if (options.userAgent) headers['user-agent'] = options.userAgent;
    const response = await fetch(`${this.url}/graphql`, { method: 'POST', headers, body });
    const text = await response.text();
    const json = parseJson(text) as Pick<GraphqlResponse<TData>, 'data' | 'errors'>;
    return {
      status: response.status,
      data: json.data,
      errors: json.errors,
      headers: response.headers,
      setCookies: response.headers.getSetCookie(),
      text,
    };
  }

  async close(): Promise<void> {
    await this.app.close();
    if (this.ownsDatabase) await this.database.drop();
  }
}

function parseJson(text: string): object {
  try {
    return text ? (JSON.parse(text) as object) : {};
  } catch {
    return {};
  }
}

/**
 * A test file's app for the usual life: created before the file's tests
 * (beforeAll), closed after them (afterAll). Call it at the top of a describe
 * block; it returns a stand-in that forwards to the app once it exists, so
 * tests use it as they would a plain variable (`app.gql(…)`, `app.url`).
 * Files that manage several apps, or do more around creating one, call
 * TestApp.create() themselves.
 */
export function useTestApp(env: NodeJS.ProcessEnv = {}, options: TestAppOptions = {}): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await TestApp.create(env, options);
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as TestApp, {
    get(_stub, property) {
      if (!current) throw new Error(`the test app was used outside its tests (reading ${String(property)})`);
      const value: unknown = Reflect.get(current, property, current);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}
