import type { CookieSerializeOptions } from '@fastify/cookie';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { PendingSignIn } from '../doors/sign-in-challenges.js';

// As the session cookie: `__Host-` in production, so no sibling subdomain can plant one.
const PRODUCTION_COOKIE = '__Host-sign_in_challenge';
const DEVELOPMENT_COOKIE = 'sign_in_challenge';

/**
 * A pending sign-in's challenge as an HttpOnly cookie: a browser that
 * answered SECOND_FACTOR_REQUIRED (or came back from a provider) completes it
 * without script ever holding the secret. Lax, like the session cookie: the
 * provider's redirect back is a top-level navigation.
 */
@Injectable()
export class ChallengeCookie {
  private readonly secure: boolean;

  constructor(@InjectConfig() config: AppConfig) {
    this.secure = config.isProduction;
  }

  private get name(): string {
    return this.secure ? PRODUCTION_COOKIE : DEVELOPMENT_COOKIE;
  }

  private get options(): CookieSerializeOptions {
    return { httpOnly: true, sameSite: 'lax', path: '/', secure: this.secure };
  }

  set(reply: FastifyReply, pending: PendingSignIn): void {
    void reply.setCookie(this.name, pending.challenge, {
      ...this.options,
      maxAge: Math.max(0, Math.floor((pending.expiresAt.getTime() - Date.now()) / 1000)),
      expires: pending.expiresAt,
    });
  }

  clear(reply: FastifyReply): void {
    void reply.clearCookie(this.name, this.options);
  }

  read(request: FastifyRequest): string | undefined {
    return request.cookies[this.name] ?? undefined;
  }
}
