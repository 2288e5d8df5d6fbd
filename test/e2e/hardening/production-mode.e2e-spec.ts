import { expect, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';

import { createUser, uniqueEmail } from '../../support/factories.js';
import { TestApp, useTestApp } from '../../support/test-app.js';

const INTROSPECTION = '{ __schema { queryType { name } } }';

async function graphiqlPage(app: TestApp): Promise<{ status: number; html: string }> {
  const response = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
  return { status: response.status, html: await response.text() };
}

describe('in production (NODE_ENV=production)', () => {
  const app = useTestApp({ NODE_ENV: 'production' });

  it('refuses introspection', async () => {
    const response = await app.gql(INTROSPECTION);

    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors?.[0]?.message).toMatch(/introspection is not allowed/);
  });

  it('serves no GraphiQL page', async () => {
    const page = await graphiqlPage(app);

    expect(page.status).toBe(400);
    expect(page.html).not.toContain('GraphiQL');
  });

  it('does not suggest field names that introspection would have revealed', async () => {
    const response = await app.gql('{ me { emai } }');

    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect(response.errors?.[0]?.message).not.toContain('email');
  });

  it('sets the session cookie Secure, HttpOnly and host-only (__Host-)', async () => {
    const response = await app.gql('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', {
      input: { email: uniqueEmail(), password: 'long enough password' },
    });

    expect(response.setCookies).toEqual([
      expect.stringMatching(/^__Host-session=[^;]+;.*Path=\/;.*HttpOnly;.*Secure;.*SameSite=Lax/),
    ]);
  });

  describe('an unexpected failure', () => {
    let errorLog: jest.SpiedFunction<Logger['error']>;

    beforeAll(async () => {
      errorLog = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      // A schema that no longer matches the code: every sign-in now fails in SQL.
      await app.sql('ALTER TABLE users RENAME COLUMN password_hash TO password_digest');
    });

    afterAll(async () => {
      await app.sql('ALTER TABLE users RENAME COLUMN password_digest TO password_hash');
      errorLog.mockRestore();
    });

    it('is answered as a bare INTERNAL_SERVER_ERROR with the request id, and logged in full under that id', async () => {
      const response = await app.gql('mutation($input: SignInInput!) { signIn(input: $input) { token } }', {
        input: { email: uniqueEmail(), password: 'long enough password' },
      });

      const requestId = response.headers.get('x-request-id');
      expect(requestId).toBeTruthy();
      expect(response.data).toBeNull();
      expect(response.errors).toEqual([
        {
          message: 'Internal server error',
          locations: [{ line: 1, column: 34 }],
          path: ['signIn'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        },
      ]);
      expect(response.text).not.toMatch(/password_|does not exist|SELECT|QueryFailedError|stacktrace/);
      expect(errorLog).toHaveBeenCalledWith(
        expect.stringContaining(`request ${requestId}`),
        // The database's own words, with the stack: what the response must never show.
        expect.stringMatching(/password_hash.*does not exist[\s\S]*\n\s+at /),
      );
    });
  });
});

describe('in production with GRAPHQL_INTROSPECTION=true and GRAPHQL_IDE=true', () => {
  const app = useTestApp({
    NODE_ENV: 'production',
    GRAPHQL_INTROSPECTION: 'true',
    GRAPHQL_IDE: 'true',
  });

  it('allows introspection and serves GraphiQL, as explicitly asked', async () => {
    const introspection = await app.gql(INTROSPECTION);
    const page = await graphiqlPage(app);

    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect(page.status).toBe(200);
    expect(page.html).toContain('GraphiQL');
  });
});

describe('outside production', () => {
  const app = useTestApp({ NODE_ENV: 'test' });

  it('allows introspection and keeps an unexpected error’s message for the developer, with the request id', async () => {
    const user = await createUser(app);
    expect((await app.gql(INTROSPECTION)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const errorLog = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await app.sql('ALTER TABLE users RENAME COLUMN password_hash TO password_digest');
    try {
      const response = await app.gql('mutation($input: SignInInput!) { signIn(input: $input) { token } }', {
        input: { email: user.email, password: user.password },
      });

      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
        requestId: response.headers.get('x-request-id'),
      });
      expect(response.errors?.[0]?.message).toMatch(/password_hash/);
    } finally {
      await app.sql('ALTER TABLE users RENAME COLUMN password_digest TO password_hash');
      errorLog.mockRestore();
    }
  });
});
