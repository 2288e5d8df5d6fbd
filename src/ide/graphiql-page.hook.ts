import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import accepts from 'accepts';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

import { GRAPHIQL_CSP, graphiqlPage } from './graphiql-page.js';

const GRAPHQL_PATH = '/graphql';
const ANSWER_TYPES = ['application/json', 'application/graphql-response+json', 'text/html'];

/**
 * A browser opening /graphql gets the IDE; every other request there (a
 * GraphQL query over GET or POST) goes on to Apollo. A hook rather than a
 * route: Apollo owns the /graphql route, and Fastify serves one handler per
 * method and path.
 */
@Injectable()
export class GraphiqlPageHook implements OnModuleInit {
  private readonly page = graphiqlPage(GRAPHQL_PATH);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // An app context without HTTP (schema printing, integration tests) serves no page.
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (request, reply, done) => this.servePage(request, reply, done));
  }

  private servePage(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (request.method !== 'GET' || pathOf(request.url) !== GRAPHQL_PATH) return done();
    if (accepts(request.raw).type(ANSWER_TYPES) !== 'text/html') return done();
    void reply
      .header('content-security-policy', GRAPHIQL_CSP)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(this.page);
  }
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
