import type { CookieSerializeOptions } from '@fastify/cookie';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';

/**
 * In production the cookie takes the `__Host-` prefix: browsers then accept it
 * only if it is Secure, host-only and Path=/, so a sibling subdomain cannot
 * plant or overwrite it. Plain `session` elsewhere, where http://localhost
 * cannot carry Secure cookies in every browser.
 */
const PRODUCTION_COOKIE = '__Host-session';
const DEVELOPMENT_COOKIE = 'session';

@Injectable()
export class SessionCookie {
  private readonly secure: boolean;

  constructor(@InjectConfig() config: AppConfig) {
    this.secure = config.isProduction;
  }

  private get name(): string {
    return this.secure ? PRODUCTION_COOKIE : DEVELOPMENT_COOKIE;
  }

  /**
   * The cookies a session is read from. In production only `__Host-session`:
   * a plain `session` cookie can be planted by a sibling subdomain or an
   * injected plain-http response, and reading it would sign the victim into
   * the attacker's account (login CSRF).
   */
  get namesRead(): readonly string[] {
    return this.secure ? [PRODUCTION_COOKIE] : [DEVELOPMENT_COOKIE, PRODUCTION_COOKIE];
  }

  private get options(): CookieSerializeOptions {
    return { httpOnly: true, sameSite: 'lax', path: '/', secure: this.secure };
  }

  set(reply: FastifyReply, token: string, expiresAt: Date): void {
    void reply.setCookie(this.name, token, {
      ...this.options,
      // Both: Max-Age (seconds) wins where understood, Expires for older clients.
      maxAge: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
      expires: expiresAt,
    });
  }

  /** Clears the session cookie, and in production any stray plain `session` cookie (host-only) as well. */
  clear(reply: FastifyReply): void {
    void reply.clearCookie(this.name, this.options);
    if (this.secure)
      void reply.clearCookie(DEVELOPMENT_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/' });
  }
}
