import type { FastifyReply, FastifyRequest } from 'fastify';

import { StateCookie } from './state-cookie.js';

const SECRET = 'a-state-cookie-secret-of-enough-length';
const STATE = { providerId: 'p', strategyState: {}, returnTo: '/', link: null, reauthenticate: null };

/** The cookies written to a reply, as (name, options). */
function written(cookie: StateCookie): Array<{ name: string; options: Record<string, unknown> }> {
  const cookies: Array<{ name: string; options: Record<string, unknown> }> = [];
  const reply = {
    setCookie: (name: string, _value: string, options: Record<string, unknown>) =>
      cookies.push({ name, options }),
  } as unknown as FastifyReply;
  cookie.write(reply, STATE);
  return cookies;
}

describe('StateCookie', () => {
  it('is __Host-oidc_state in production: Secure, Path=/, no Domain, so no sibling subdomain can plant one', () => {
    const [cookie] = written(new StateCookie(SECRET, true));

    expect(cookie.name).toBe('__Host-oidc_state');
    expect(cookie.options).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'lax' });
    expect(cookie.options.domain).toBeUndefined();
  });

  it('reads only the __Host- cookie in production: a plain oidc_state is ignored', () => {
    const production = new StateCookie(SECRET, true);
    let value = '';
    const reply = {
      setCookie: (_name: string, written: string) => (value = written),
      clearCookie: () => undefined,
    } as unknown as FastifyReply;
    production.write(reply, STATE);

    const planted = { cookies: { oidc_state: value } } as unknown as FastifyRequest;
    const own = { cookies: { '__Host-oidc_state': value } } as unknown as FastifyRequest;

    expect(production.take(planted, reply)).toBeNull();
    expect(production.take(own, reply)).toMatchObject({ providerId: 'p' });
  });
});
