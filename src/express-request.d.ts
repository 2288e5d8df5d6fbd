import type { AuthContext } from './sessions/session.types.js';

// What this app's middleware and guards put on Express's request, in one place.
declare global {
  namespace Express {
    interface Request {
      /** This server's id for the request (http/request-id.ts). */
      requestId?: string;
      /** What the GraphQL layer tells the request log (graphql/graphql-logging.plugin.ts). */
      graphqlOperation?: { name?: string; type?: string };
      /**
       * The request's proven identity (the Express convention's name), written
       * only by RequestAuthenticator: set when the token proves a session,
       * replaced after signIn/signUp, cleared when the request's session ends.
       */
      user?: AuthContext;
      /**
       * The user this request acted as, for the request log: unlike `user`, it
       * survives signOut (which clears `user`), so that line still names them.
       */
      authenticatedUserId?: string;
    }
  }
}

export {};
