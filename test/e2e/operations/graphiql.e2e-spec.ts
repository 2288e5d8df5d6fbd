import { TestApp, useTestApp } from '../../support/test-app.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('GraphiQL at /graphql', () => {
  const app = useTestApp(); // NODE_ENV=test: served everywhere but production

  const openInBrowser = () => fetch(`${app.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });

  it('serves the IDE to a browser under a CSP that allows this origin only and no inline script', async () => {
    const response = await openInBrowser();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|\*|unsafe-eval/);
    expect(csp.match(/script-src[^;]*/)?.[0]).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).not.toMatch(/<script>|<script(?![^>]*\ssrc=)/); // no inline scripts
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from another origin
  });

  it('serves every script and stylesheet the page names from this server', async () => {
    const html = await (await openInBrowser()).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((match) => match[1]);

    expect(assets).toEqual(
      expect.arrayContaining([
        '/graphiql/react.production.min.js',
        '/graphiql/react-dom.production.min.js',
        '/graphiql/graphiql.min.js',
        '/graphiql/graphiql.min.css',
        '/graphiql/graphiql-init.js',
      ]),
    );
    for (const asset of assets) {
      const response = await fetch(`${app.url}${asset}`);
      expect([asset, response.status]).toEqual([asset, 200]);
      expect(response.headers.get('content-type')).toMatch(
        asset.endsWith('.css') ? /^text\/css/ : /javascript/,
      );
      expect(await response.text()).not.toBe('');
    }
  });

  it('makes GraphiQL send the session cookie with every request', async () => {
    const script = await (await fetch(`${app.url}/graphiql/graphiql-init.js`)).text();

    expect(script).toContain("credentials: 'include'");
  });

  it('serves nothing but its own list of files', async () => {
    for (const path of [
      '/graphiql/package.json',
      '/graphiql/..%2Fpackage.json',
      '/graphiql/%2e%2e/package.json',
    ]) {
      const response = await fetch(`${app.url}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
    }
  });

  it('still answers GraphQL queries sent with GET', async () => {
    const response = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });

    expect(await response.json()).toEqual({ data: { me: null } });
  });

  describe('in production', () => {
    let production: TestApp;

    beforeAll(async () => {
      production = await TestApp.create({ NODE_ENV: 'production' });
    });

    afterAll(async () => {
      await production.close();
    });

    it('serves no IDE and none of its files', async () => {
      const page = await fetch(`${production.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
      const script = await fetch(`${production.url}/graphiql/graphiql.min.js`);

      expect(await page.text()).not.toContain('graphiql');
      expect(script.status).toBe(404);
    });
  });
});
