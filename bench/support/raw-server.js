// The machine's limit, for the benchmark's table: a bare `node:http` server
// answering POST /graphql `{ __typename }` the way the app does
// (`{"data":{"__typename":"Query"}}`), with no framework, no GraphQL, no
// hardening and no log. With RAW_PG=1 each request first runs one named
// prepared `SELECT 1` on a `pg` pool against the app's database (DATABASE_URL):
// one real database round trip, the least any database-backed check costs.
//
// Plain JavaScript run by `node` itself, spawned by ServerProcess like the app
// (so the statement counter and the CPU accounting see it the same way):
// nothing is compiled while it is measured.
import { createServer } from 'node:http';

import pg from 'pg';

const BODY = JSON.stringify({ data: { __typename: 'Query' } });
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': Buffer.byteLength(BODY),
};
// A named statement: parsed and planned once per connection, like the app's hot statements.
const SELECT_ONE = { name: 'raw_floor_select_one', text: 'SELECT 1 AS one' };

// The app's pool size is pg's default (10), so this one is too.
const pool =
  process.env.RAW_PG === '1' ? new pg.Pool({ connectionString: process.env.DATABASE_URL }) : undefined;

const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/graphql') {
    response.writeHead(404).end();
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    // Parse the body as any GraphQL server must: the least work a request asks for.
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      response.writeHead(400).end();
      return;
    }
    if (!pool) {
      response.writeHead(200, HEADERS).end(BODY);
      return;
    }
    pool.query(SELECT_ONE).then(
      () => response.writeHead(200, HEADERS).end(BODY),
      () => response.writeHead(500).end(),
    );
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1');

process.on('SIGTERM', () => {
  server.close(() => {
    void (pool ? pool.end() : Promise.resolve()).then(() => process.exit(0));
  });
  server.closeIdleConnections();
});
