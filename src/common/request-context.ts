import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import type { SessionCountLoader } from '../sessions/session-count.loader.js';

/** What the GraphQL context factory puts in every resolver's context. */
export interface GraphqlContext {
  req: Request;
  res: Response;
  /** Built fresh for each request, so nothing loaded outlives it. */
  loaders: {
    activeSessionCount: SessionCountLoader;
  };
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
