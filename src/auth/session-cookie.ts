import { Injectable } from '@nestjs/common';
import type { CookieOptions, Response } from 'express';

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

  private get options(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', path: '/', secure: this.secure };
  }

  set(response: Response, token: string, expiresAt: Date): void {
    response.cookie(this.name, token, {
      ...this.options,
      // Express turns maxAge (ms) into both Max-Age and Expires.
      maxAge: Math.max(0, expiresAt.getTime() - Date.now()),
    });
  }

  /** Clears the session cookie, and in production any stray plain `session` cookie (host-only) as well. */
  clear(response: Response): void {
    response.clearCookie(this.name, this.options);
    if (this.secure) response.clearCookie(DEVELOPMENT_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/' });
  }
}
