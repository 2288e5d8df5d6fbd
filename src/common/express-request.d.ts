declare global {
  namespace Express {
    interface Request {
      /** This server's id for the request (see request-id.ts). */
      requestId?: string;
      /** What the GraphQL layer tells the request log (see graphql-logging.plugin.ts). */
      graphqlOperation?: { name?: string; type?: string };
    }
  }
}

export {};
