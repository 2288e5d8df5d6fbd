import { Global, Logger, Module } from '@nestjs/common';

import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { IpLocator } from './ip-locator.js';

/** The offline IP-geolocation database, read once at start (and again when its file changes). */
@Global()
@Module({
  providers: [
    {
      provide: IpLocator,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<IpLocator> => {
        const locator = await IpLocator.open(config.geoip);
        new Logger('GeoIP').log(`Approximate locations from ${locator.description}`);
        return locator;
      },
    },
  ],
  exports: [IpLocator],
})
export class GeoIpModule {}
