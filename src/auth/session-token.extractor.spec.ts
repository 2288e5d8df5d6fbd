import { ConflictingCredentialsError } from '../common/errors.js';
import { sessionTokenFromHeaders } from './session-token.extractor.js';

describe('sessionTokenFromHeaders', () => {
  const names = ['session', '__Host-session'];

  it('reads the bearer token, else the first session cookie named', () => {
    expect(sessionTokenFromHeaders({ authorization: 'Bearer abc.def' }, names)).toEqual({
      token: 'abc.def',
      source: 'bearer',
    });
    expect(sessionTokenFromHeaders({ cookie: 'theme=dark; __Host-session=x.y; session=a.b' }, names)).toEqual(
      {
        token: 'a.b',
        source: 'cookie',
      },
    );
    expect(sessionTokenFromHeaders({ cookie: 'theme=dark', authorization: 'Basic Zm9v' }, names)).toBeNull();
  });

  it('refuses a bearer token and a session cookie that disagree', () => {
    expect(() =>
      sessionTokenFromHeaders({ authorization: 'Bearer one.1', cookie: 'session=two.2' }, names),
    ).toThrow(ConflictingCredentialsError);
    expect(
      sessionTokenFromHeaders({ authorization: 'Bearer one.1', cookie: 'session=one.1' }, names),
    ).toEqual({
      token: 'one.1',
      source: 'bearer',
    });
  });
});

describe('the Cookie header of a WebSocket upgrade', () => {
  const names = ['session'];

  it('is read as @fastify/cookie reads an HTTP request’s: decoded, the first of a repeated name', () => {
    expect(sessionTokenFromHeaders({ cookie: 'junk; session=a%2Eb; session=later' }, names)?.token).toBe(
      'a.b',
    );
  });

  it('keeps a value that is not valid percent-encoding as written', () => {
    expect(sessionTokenFromHeaders({ cookie: 'session=%E0%A4%A' }, names)?.token).toBe('%E0%A4%A');
  });
});
