import type { IpLocator } from './geoip/ip-locator.js';
import type { AuthContext } from './sessions/session.types.js';

// What this app's hooks and guards put on Fastify's request, in one place.
// (The request's id is Fastify's own `request.id`: http/request-id.ts makes it.)
declare module 'fastify' {
  interface FastifyRequest {
    /** What the GraphQL layer tells the request log (graphql/graphql-logging.plugin.ts). */
    graphqlOperation?: { name?: string; type?: string };
    /**
     * The request's proven identity, written only by RequestAuthenticator:
     * set when the token proves a session, replaced after signIn/signUp,
     * cleared when the request's session ends.
     */
    user?: AuthContext;
    /**
     * The user this request acted as, for the request log: unlike `user`, it
     * survives signOut (which clears `user`), so that line still names them.
     */
    authenticatedUserId?: string;
    /** The user whose emailed link this request just spent (verifyEmail): may read the fields marked for it. */
    emailLinkUserId?: string;
    /**
     * The app's GeoIP database (app.setup.ts), for auth/client-info.ts: a
     * getter on Fastify's request prototype, so it costs a request nothing.
     */
    readonly ipLocator?: IpLocator;
  }
}

export {};
