import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';

import { RequestAuthenticator } from '../auth/request-authenticator.js';
import { TooManyRequestsError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { getExchange } from '../graphql/graphql-context.js';
import { clientNetwork } from './client-network.js';
import { type AccountOf, RATE_LIMIT_ACCOUNT } from './rate-limit-account.js';
import { RateLimitCounters } from './rate-limit-counters.js';

/**
 * Counts the attempt against both limits of a `@RateLimited()` mutation; over
 * either, TOO_MANY_REQUESTS. It needs no other guard to have run: an account
 * named by the signed-in user is proven through the same RequestAuthenticator
 * SessionGuard uses (once per request), so the order of the decorators does not matter.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly counters: RateLimitCounters,
    private readonly reflector: Reflector,
    @InjectConfig() private readonly config: AppConfig,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req: request, res } = getExchange(context);
    const operation = `${context.getClass().name}.${context.getHandler().name}`;
    const network = clientNetwork(request.ip);
    const windowMs = this.config.rateLimitWindowSeconds * 1000;

    const perIp = await this.counters.count(`${operation} ip ${network}`, windowMs);
    if (perIp.hits > this.config.rateLimitPerIp) throw new TooManyRequestsError(perIp.secondsLeft);

    const account = this.reflector.get<AccountOf | undefined>(RATE_LIMIT_ACCOUNT, context.getHandler());
    const accountKey = await account?.(request, argsOf(context), () =>
      this.authenticator.authenticate(request, res),
    );
    if (accountKey) {
      const perAccount = await this.counters.count(
        `${operation} ip+account ${network} ${accountKey}`,
        windowMs,
      );
      if (perAccount.hits > this.config.rateLimitPerIpAndAccount) {
        throw new TooManyRequestsError(perAccount.secondsLeft);
      }
    }
    return true;
  }
}

function argsOf(context: ExecutionContext): Record<string, unknown> {
  return context.getType<string>() === 'graphql'
    ? GqlExecutionContext.create(context).getArgs<Record<string, unknown>>()
    : {};
}
