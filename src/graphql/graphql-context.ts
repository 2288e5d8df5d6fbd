import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * What every resolver's context holds: the HTTP exchange, nothing else.
 * Per-request state lives on the request (what the session guard proved);
 * batching needs no per-request loader, since the repositories' coalesced
 * lookups already share one statement among the fields and requests in flight.
 */
export interface GraphqlContext {
  req: FastifyRequest;
  res: FastifyReply;
}

/**
 * The one way to reach the HTTP exchange from any execution context, HTTP or
 * GraphQL, so guards and parameter decorators cannot read it differently.
 */
export function getExchange(context: ExecutionContext): GraphqlContext {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<GraphqlContext>();
  }
  const http = context.switchToHttp();
  return { req: http.getRequest<FastifyRequest>(), res: http.getResponse<FastifyReply>() };
}

/** The request of `getExchange`. */
export function getRequest(context: ExecutionContext): FastifyRequest {
  return getExchange(context).req;
}
