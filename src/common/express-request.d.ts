// Set by `assignRequestId` (request-id.ts) on every request.
declare global {
  namespace Express {
    interface Request {
      /** Names this request in the logs and in `extensions.requestId` of an internal error. */
      requestId?: string;
    }
  }
}

export {};
