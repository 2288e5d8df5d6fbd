import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request, Response } from 'express';

/**
 * What every resolver's context holds: the HTTP exchange, nothing else.
 * Per-request state lives on the request (what the session guard proved);
 * batching needs no per-request loader, since the repositories' coalesced
 * lookups already share one statement among the fields and requests in flight.
 */
export interface GraphqlContext {
  req: Request;
  res: Response;
}

/**
 * The one way to reach the HTTP request from any execution context, HTTP or
 * GraphQL, so guards and parameter decorators cannot read it differently.
 */
export function getRequest(context: ExecutionContext): Request {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<GraphqlContext>().req;
  }
  return context.switchToHttp().getRequest<Request>();
}
