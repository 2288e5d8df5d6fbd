import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ASSET_PATH } from './graphiql-page.js';
import { INIT_SCRIPT, PAGE_CSS } from './graphiql-page.js';

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

type AssetSource = { file: string; type: string } | { body: string; type: string };

/** The only files served under /graphiql/: an allow-list, never a path from the URL. */
function resolveAssets(): Map<string, AssetSource> {
  const js = 'application/javascript; charset=utf-8';
  return new Map<string, AssetSource>([
    ['react.production.min.js', { file: packageFile('react', 'umd/react.production.min.js'), type: js }],
    [
      'react-dom.production.min.js',
      { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: js },
    ],
    ['graphiql.min.js', { file: packageFile('graphiql', 'graphiql.min.js'), type: js }],
    [
      'graphiql.min.js.map',
      { file: packageFile('graphiql', 'graphiql.min.js.map'), type: 'application/json' },
    ],
    [
      'graphiql.min.css',
      { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
    ],
    ['graphiql-page.css', { body: PAGE_CSS, type: 'text/css; charset=utf-8' }],
    ['graphiql-init.js', { body: INIT_SCRIPT, type: js }],
  ]);
}

interface LoadedAsset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** GraphiQL's scripts and styles, read from node_modules the first time each is asked for. */
@Controller()
export class GraphiqlAssetsController {
  private readonly sources = resolveAssets();
  private readonly loaded = new Map<string, Promise<LoadedAsset>>();

  @Get(`${ASSET_PATH.slice(1)}/:name`)
  async asset(
    @Param('name') name: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const source = this.sources.get(name);
    if (!source) throw new NotFoundException();
    let pending = this.loaded.get(name);
    if (!pending) {
      pending = load(source);
      this.loaded.set(name, pending);
    }
    const asset = await pending;
    // Revalidated on every load (cheap, by ETag), so an upgraded package shows
    // after a restart without a stale copy in the browser.
    void reply.header('cache-control', 'no-cache').header('etag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) {
      await reply.code(304).send();
      return;
    }
    await reply.type(asset.type).send(asset.body);
  }
}

async function load(source: AssetSource): Promise<LoadedAsset> {
  const body = 'file' in source ? await readFile(source.file) : Buffer.from(source.body);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, type: source.type, etag };
}
