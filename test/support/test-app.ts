import 'reflect-metadata';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';

import { configureApp } from '../../src/app.setup.js';
import { createHttpAdapter } from '../../src/http/http-adapter.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { compileAppModule, forwardTo, prepareTestDatabase, testConfig, TestModule } from './test-module.js';

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
  /** Listen on this port instead of a random one (a callback URL registered elsewhere names it). */
  port?: number;
}

/** The real AppModule and HTTP pipeline on a random port, over its own database. */
export class TestApp extends TestModule<NestFastifyApplication> {
  private constructor(
    nest: NestFastifyApplication,
    readonly url: string,
    database: TestDatabase,
    ownsDatabase: boolean,
  ) {
    super(nest, database, ownsDatabase);
  }

  /**
   * `logDestination` captures the JSON log (at LOG_LEVEL, `warn` by default in
   * tests). The request logger is one per process (nestjs-pino), so a test
   * that reads the log makes its file's first app.
   */
  static override async create(env: NodeJS.ProcessEnv = {}, options: TestAppOptions = {}): Promise<TestApp> {
    const given = options.shareDatabaseOf?.database ?? options.database;
    const database = given ?? (await createTestDatabase());
    const config = testConfig(env, database);
    await prepareTestDatabase(config, database);
    const moduleRef = await compileAppModule(config, database, options.logDestination);
    const nest = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
      bufferLogs: true,
    });
    await configureApp(nest);
    await nest.listen(options.port ?? 0, '127.0.0.1');
    return new TestApp(nest, `${await nest.getUrl()}`, database, !given);
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
  return forwardTo(() => current, 'test app');
}
