import { type CanActivate, type Type, UseGuards } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { SessionGuard } from '../auth/guards/session.guard.js';
import type { RequestAuthenticator } from '../auth/request-authenticator.js';
import type { AppConfig } from '../config/app-config.js';
import type { AuthContext } from '../sessions/session.types.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { bySignedInUser } from './rate-limit-account.js';
import type { RateLimitCounters } from './rate-limit-counters.js';
import { RateLimited } from './rate-limited.decorator.js';

/** Both orders a resolver could write the pair in. */
class Mutations {
  // Applied bottom-up: SessionGuard first, so it runs first.
  @RateLimited(bySignedInUser)
  @UseGuards(SessionGuard)
  rateLimitedAbove(): void {}

  // Applied bottom-up: RateLimitGuard first, so it runs before SessionGuard.
  @UseGuards(SessionGuard)
  @RateLimited(bySignedInUser)
  rateLimitedBelow(): void {}
}

describe('@RateLimited(bySignedInUser) with @UseGuards(SessionGuard)', () => {
  const auth = { user: { id: 'alice' } } as AuthContext;

  /** Runs the method's guards in the order Nest would, over stubs; the subjects counted. */
  async function countedFor(method: 'rateLimitedAbove' | 'rateLimitedBelow'): Promise<string[]> {
    const counted: string[] = [];
    const counters = {
      count: (subject: string) => {
        counted.push(subject);
        return Promise.resolve({ hits: 1, secondsLeft: 60 });
      },
    } as unknown as RateLimitCounters;
    // Like the real one: proves the session once per request and puts it on request.user.
    const authenticator = {
      authenticate: (request: FastifyRequest) => {
        request.user = auth;
        return Promise.resolve(auth);
      },
    } as unknown as RequestAuthenticator;
    const config = {
      rateLimitWindowSeconds: 60,
      rateLimitPerIp: 10,
      rateLimitPerIpAndAccount: 10,
    } as AppConfig;
    const instances = new Map<Type<CanActivate>, CanActivate>([
      [SessionGuard, new SessionGuard(authenticator)],
      [RateLimitGuard, new RateLimitGuard(counters, new Reflector(), config, authenticator)],
    ]);

    const handler = Object.getOwnPropertyDescriptor(Mutations.prototype, method)?.value as () => void;
    const request = { ip: '203.0.113.7', headers: {} } as unknown as FastifyRequest;
    const context = new ExecutionContextHost([request, {} as FastifyReply], Mutations, handler);
    context.setType('http');
    const guards = Reflect.getMetadata(GUARDS_METADATA, handler) as Type<CanActivate>[];
    for (const guard of guards) await instances.get(guard)?.canActivate(context);
    return counted;
  }

  it.each(['rateLimitedAbove', 'rateLimitedBelow'] as const)(
    'counts per signed-in user whichever order they are written in (%s)',
    async (method) => {
      expect(await countedFor(method)).toEqual([
        `Mutations.${method} ip 203.0.113.7`,
        `Mutations.${method} ip+account 203.0.113.7 user:alice`,
      ]);
    },
  );
});
