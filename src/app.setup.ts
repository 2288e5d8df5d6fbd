import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';

/** HTTP-level setup shared by main.ts and the end-to-end tests, so tests run the real pipeline. */
export function configureApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  // GraphQL answers are POSTs about one person's session: no client or proxy
  // revalidates them with If-None-Match, yet Express would SHA-1 every body to
  // build an ETag and copy it into a Buffer to do so.
  app.set('etag', false);
  app.use(cookieParser());
}
