import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { type RecordedStatement, recordStatements } from './statement-recorder.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface GraphqlResponse<TData = Record<string, unknown>> {
  status: number;
  data?: TData | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
  headers: Headers;
  /** `Set-Cookie` headers of the response. */
  setCookies: string[];
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
  /** A second instance of the service on the first one's database, as behind a load balancer. */
  shareDatabaseWith?: TestApp;
}

/** The real AppModule and HTTP pipeline on a random port, over its own database. */
export class TestApp {
  private constructor(
    readonly app: NestExpressApplication,
    readonly url: string,
    private readonly database: TestDatabase,
  ) {}

  static async create(env: NodeJS.ProcessEnv = {}, options: TestAppOptions = {}): Promise<TestApp> {
    // The database is dropped by the instance that created it, not by one that shares it.
    const database = options.shareDatabaseWith
      ? { url: options.shareDatabaseWith.database.url, drop: () => Promise.resolve() }
      : await createTestDatabase();
    const config: AppConfig = loadConfig({ NODE_ENV: 'test', ...env, DATABASE_URL: database.url });
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ config, databaseUrl: database.url })],
    }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error', 'warn'] });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    return new TestApp(app, `${await app.getUrl()}`, database);
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
    const json = (text ? JSON.parse(text) : {}) as Pick<GraphqlResponse<TData>, 'data' | 'errors'>;
    return {
      status: response.status,
      data: json.data,
      errors: json.errors,
      headers: response.headers,
      setCookies: response.headers.getSetCookie(),
    };
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.database.drop();
  }
}
