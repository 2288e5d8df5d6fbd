import { type DynamicModule, Inject, Module } from '@nestjs/common';
import type { Logger } from 'pino';

/** The app's root pino logger: every line of the JSON log goes through it. */
export const ROOT_LOGGER = Symbol('root-logger');

export const InjectRootLogger = (): ParameterDecorator => Inject(ROOT_LOGGER);

/**
 * Provides the root logger the app was started with. Owned by each app (not
 * held process-wide), so two apps in one process (tests) log where each was told.
 */
@Module({})
export class LoggingModule {
  static forRoot(root: Logger): DynamicModule {
    return {
      module: LoggingModule,
      global: true,
      providers: [{ provide: ROOT_LOGGER, useValue: root }],
      exports: [ROOT_LOGGER],
    };
  }
}
