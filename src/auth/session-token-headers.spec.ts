import { ConflictingCredentialsError } from '../common/errors.js';
import { parseCookieHeader, sessionTokenFromHeaders } from './session-token-headers.js';

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

describe('parseCookieHeader', () => {
  it('decodes values, keeps the first of a repeated name and skips malformed pairs', () => {
    const cookies = parseCookieHeader('a=1%202; junk; b="quoted"; a=later; c=%E0%A4%A');
    expect([...cookies]).toEqual([
      ['a', '1 2'],
      ['b', 'quoted'],
      ['c', '%E0%A4%A'],
    ]);
  });
});
