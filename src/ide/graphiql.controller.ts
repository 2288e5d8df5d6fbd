import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { Controller, Get, Next, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import { ASSET_PATH, GRAPHIQL_CSP, graphiqlPage, INIT_SCRIPT, PAGE_CSS } from './graphiql-page.js';

const require = createRequire(import.meta.url);

function packageFile(packageName: string, file: string): string {
  try {
    return join(dirname(require.resolve(`${packageName}/package.json`)), file);
  } catch {
    throw new Error(
      `GraphiQL needs the npm package "${packageName}" (a dev dependency): run npm install, or set NODE_ENV=production to turn GraphiQL off.`,
    );
  }
}

/** The only files served under /graphiql/: an allow-list, never a path from the URL. */
function resolveAssets(): Map<string, { file: string } | { body: string; type: string }> {
  return new Map([
    ['react.production.min.js', { file: packageFile('react', 'umd/react.production.min.js') }],
    ['react-dom.production.min.js', { file: packageFile('react-dom', 'umd/react-dom.production.min.js') }],
    ['graphiql.min.js', { file: packageFile('graphiql', 'graphiql.min.js') }],
    ['graphiql.min.js.map', { file: packageFile('graphiql', 'graphiql.min.js.map') }],
    ['graphiql.min.css', { file: packageFile('graphiql', 'graphiql.min.css') }],
    ['graphiql-page.css', { body: PAGE_CSS, type: 'css' }],
    ['graphiql-init.js', { body: INIT_SCRIPT, type: 'js' }],
  ]);
}

@Controller()
export class GraphiqlController {
  private readonly assets = resolveAssets();
  private readonly page = graphiqlPage('/graphql');

  /** A browser opening /graphql gets the IDE; every other GET (a GraphQL query) goes on to Apollo. */
  @Get('graphql')
  ide(@Req() request: Request, @Res() response: Response, @Next() next: NextFunction): void {
    if (
      request.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html'
    ) {
      next();
      return;
    }
    response
      .set({ 'content-security-policy': GRAPHIQL_CSP, 'cache-control': 'no-cache' })
      .type('html')
      .send(this.page);
  }

  @Get(`${ASSET_PATH.slice(1)}/:name`)
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundException();
    // Revalidated on every load (cheap, by ETag), so an upgraded package shows at once.
    response.set('cache-control', 'no-cache');
    if ('file' in asset) response.sendFile(asset.file);
    else response.type(asset.type).send(asset.body);
  }
}
