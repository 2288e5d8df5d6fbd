/**
 * The in-browser IDE served at GET /graphql (outside production): GraphiQL 4's
 * UMD build on React 18's UMD build, all from this server's node_modules, so it
 * works offline and under a Content-Security-Policy that names no other origin.
 * (GraphiQL 5 ships only ES modules with Monaco workers, which would need a
 * bundler; @nestjs/apollo's own page loads GraphiQL 3 from unpkg.com.)
 */

/** Under /graphiql/; the page and the init script are ours, the rest come from npm packages. */
export const ASSET_PATH = '/graphiql';

/**
 * No inline script at all, and no origin but this one. Inline styles are
 * allowed: GraphiQL's editors (CodeMirror) position their widgets with them.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const DEFAULT_QUERY = `# Sign up or sign in here: the response sets the session cookie, and every
# request from this page sends it, so \`me\` then answers without a token.
# Pick the operation to run with the ▶ button.

mutation SignIn {
  signIn(input: { email: "ada@example.com", password: "correct horse battery staple" }) {
    user { id email activeSessionCount }
  }
}

query Me {
  me { id email activeSessionCount }
}
`;

export function graphiqlPage(endpoint: string): string {
  const attribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>GraphiQL</title>
    <!-- No favicon request (it would be a 404). -->
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${ASSET_PATH}/graphiql.min.css" />
    <link rel="stylesheet" href="${ASSET_PATH}/graphiql-page.css" />
  </head>
  <body>
    <div id="graphiql" data-endpoint="${attribute(endpoint)}" data-default-query="${attribute(DEFAULT_QUERY)}">
      Loading GraphiQL…
    </div>
    <script src="${ASSET_PATH}/react.production.min.js"></script>
    <script src="${ASSET_PATH}/react-dom.production.min.js"></script>
    <script src="${ASSET_PATH}/graphiql.min.js"></script>
    <script src="${ASSET_PATH}/graphiql-init.js"></script>
  </body>
</html>
`;
}

export const PAGE_CSS = `body { margin: 0; overflow: hidden; }
#graphiql { height: 100vh; }
`;

/** An external script, because the CSP allows no inline one. */
export const INIT_SCRIPT = `'use strict';
(function () {
  var container = document.getElementById('graphiql');
  var fetcher = GraphiQL.createFetcher({
    url: container.dataset.endpoint,
    // The session cookie is HttpOnly: the browser must send it (and store the
    // one signIn sets) for "sign in here, then query me" to work.
    fetch: function (input, init) {
      return window.fetch(input, Object.assign({}, init, { credentials: 'include' }));
    },
  });
  ReactDOM.createRoot(container).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: container.dataset.defaultQuery,
      defaultEditorToolsVisibility: true,
      // The cookie carries the session; tokens typed into the headers editor
      // are not kept in localStorage.
      shouldPersistHeaders: false,
    }),
  );
})();
`;
