import type { NextFunction, Request, Response } from 'express';

/** An HTTP-level refusal, in the shape GraphQL clients already read: `errors[0].extensions.code`. */
export function sendHttpError(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ errors: [{ message, extensions: { code } }] });
}

interface BodyParserError extends Error {
  status?: number;
  type?: string;
  limit?: number;
}

/**
 * Express error handler for the body parsers: an oversized body (413), broken
 * JSON (400) or an unsupported charset (415) is answered here, as JSON, before
 * any GraphQL runs, instead of Express's HTML error page with a stack trace.
 */
export function answerBodyParserErrors(
  error: BodyParserError,
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  const status = error.status;
  if (typeof status !== 'number' || status < 400 || status >= 500 || response.headersSent) return next(error);
  sendHttpError(response, status, 'BAD_REQUEST', describe(error));
}

function describe(error: BodyParserError): string {
  switch (error.type) {
    case 'entity.too.large':
      return `The request body is larger than the ${error.limit ?? ''} bytes allowed.`;
    case 'entity.parse.failed':
      return 'The request body is not valid JSON.';
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return 'The request body has an unsupported charset or encoding.';
    default:
      return 'The request body could not be read.';
  }
}
