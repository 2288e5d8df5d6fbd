import { Module } from '@nestjs/common';

import { GraphiqlController } from './graphiql.controller.js';

/** The development IDE at GET /graphql; AppModule leaves it out in production. */
@Module({ controllers: [GraphiqlController] })
export class GraphiqlModule {}
