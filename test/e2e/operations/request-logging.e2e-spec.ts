import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';

import { createUser, signIn } from '../../support/factories.js';
import { LogCapture } from '../../support/log-capture.js';
import { useTestApp } from '../../support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request log', () => {
  const log = new LogCapture();
  // The file's only app: the request logger is one per process.
  const app = useTestApp({ LOG_LEVEL: 'info' }, { logDestination: log });

  it('writes one JSON line per request with its id, operation, duration and user, and returns the id', async () => {
    const user = await createUser(app);

    const response = await app.gql('query WhoAmI { me { id } }', {}, { token: user.token });

    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    const line = await log.requestLine(requestId);
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      requestId,
      operationName: 'WhoAmI',
      operationType: 'query',
      userId: user.id,
      req: { method: 'POST', url: '/graphql' },
      res: { statusCode: 200 },
    });
    // The line names the request; it does not copy its headers (or the response's).
    expect(line.req).toEqual({ method: 'POST', url: '/graphql' });
    expect(line.res).toEqual({ statusCode: 200 });
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(new Date(line.time as string).getTime()).not.toBeNaN();
    expect(log.lines.filter((other) => other.requestId === requestId)).toHaveLength(1);
  });

  it('names the user of a sign-out, and no user for an anonymous request', async () => {
    const user = await createUser(app);

    const signedOut = await app.gql('mutation SignOut { signOut }', {}, { cookie: user.token });
    const anonymous = await app.gql('query Anonymous { me { id } }');

    expect(await log.requestLine(signedOut.headers.get('x-request-id'))).toMatchObject({
      operationName: 'SignOut',
      operationType: 'mutation',
      userId: user.id,
    });
    const anonymousLine = await log.requestLine(anonymous.headers.get('x-request-id'));
    expect(anonymousLine.operationName).toBe('Anonymous');
    expect(anonymousLine).not.toHaveProperty('userId');
  });

  it('never writes credentials: authorization, cookie, set-cookie, passwords and tokens are redacted', async () => {
    const user = await createUser(app, { password: 'a password nobody should log' });
    const other = await signIn(app, user);

    const response = await app.gql(
      'mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }',
      { input: { email: user.email, password: user.password } },
      { token: other.token, cookie: user.token, headers: { 'proxy-authorization': 'Basic proxy-secret' } },
    );
    // A mutation over GET is refused, but its URL (with the password) reaches the log.
    const overGet = await fetch(
      `${app.url}/graphql?query=${encodeURIComponent(
        `mutation { signIn(input: { email: "${user.email}", password: "${user.password}" }) { token } }`,
      )}`,
      { headers: { 'apollo-require-preflight': 'true' } },
    );

    const newToken = (response.data as { signIn: { token: string } }).signIn.token;
    const line = await log.requestLine(response.headers.get('x-request-id'));
    expect(line.req).not.toHaveProperty('headers');
    expect(line.res).not.toHaveProperty('headers');
    expect(overGet.status).toBe(405);
    expect(await log.requestLine(overGet.headers.get('x-request-id'))).toMatchObject({
      req: { method: 'GET', url: '/graphql' },
      res: { statusCode: 405 },
    });
    expect(log.text).not.toContain('proxy-secret');
    for (const secret of [user.password, user.token, other.token, newToken]) {
      expect(log.text).not.toContain(secret);
      // The secret half of a token alone, too.
      expect(log.text).not.toContain(secret.split('.').pop());
    }
  });

  it('redacts password and token keys from whatever the app logs, should code log credentials by mistake', async () => {
    const secret = (name: string): string => `${name}-${randomUUID()}`;
    const [password, token, nestedPassword, nestedToken, currentPassword, newPassword] = [
      'password',
      'token',
      'nested-password',
      'nested-token',
      'current-password',
      'new-password',
    ].map(secret);

    // As any service would log: a Nest Logger, which the app routes to its JSON log.
    new Logger('CarelessCode').warn({
      msg: 'logged an input with its credentials',
      password,
      token,
      input: {
        password: nestedPassword,
        token: nestedToken,
        currentPassword,
        newPassword,
        email: 'kept@example.com',
      },
    });

    const line = await log.waitFor((written) => written.context === 'CarelessCode');
    expect(line).toMatchObject({
      password: '[Redacted]',
      token: '[Redacted]',
      input: {
        password: '[Redacted]',
        token: '[Redacted]',
        currentPassword: '[Redacted]',
        newPassword: '[Redacted]',
        email: 'kept@example.com',
      },
    });
    for (const value of [password, token, nestedPassword, nestedToken, currentPassword, newPassword]) {
      expect(log.text).not.toContain(value);
    }
  });

  it("never takes the client's X-Request-Id as its own", async () => {
    const response = await app.gql(
      '{ me { id } }',
      {},
      { headers: { 'x-request-id': 'someone-elses-id-0001' } },
    );

    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    expect(await log.requestLine(requestId)).toMatchObject({ requestId });
    expect(log.lines.filter((line) => line.requestId === 'someone-elses-id-0001')).toEqual([]);
  });

  it('puts the request id into GraphQL errors, so a reported error leads to its log line', async () => {
    const response = await app.gql('mutation SignOut { signOut }');

    const requestId = response.headers.get('x-request-id');
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', requestId });
    expect(await log.requestLine(requestId)).toMatchObject({ operationName: 'SignOut', requestId });
  });
});
