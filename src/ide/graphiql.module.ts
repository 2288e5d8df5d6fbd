import { Module } from '@nestjs/common';

import { GraphiqlAssetsController } from './graphiql-assets.controller.js';
import { GraphiqlPageHook } from './graphiql-page.hook.js';

/** The development IDE at GET /graphql; AppModule leaves it out in production. */
@Module({ controllers: [GraphiqlAssetsController], providers: [GraphiqlPageHook] })
export class GraphiqlModule {}
