// What the GraphQL layer tells the request log about a request (see graphql-logging.plugin.ts).
declare global {
  namespace Express {
    interface Request {
      graphqlOperation?: { name?: string; type?: string };
    }
  }
}

export {};
