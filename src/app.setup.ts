import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';

/** HTTP-level setup shared by main.ts and the end-to-end tests, so tests run the real pipeline. */
export function configureApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(cookieParser());
}
