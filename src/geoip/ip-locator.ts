import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Reader, Response } from 'maxmind';

import type { GeoIpSettings } from '../config/geoip-settings.js';
import type { ApproximateLocation } from './approximate-location.js';
import { fileVersion, type GeoIpDatabase, openGeoIpDatabase } from './geoip-database.js';
import { locationOfRecord } from './location-record.js';
import { isPublicAddress } from './public-address.js';

/**
 * Approximate location of a client address, from the offline database in
 * memory: never a network call. Looked up where client info is taken
 * (auth/client-info.ts), and only when an address is written.
 *
 * The file is checked every GEOIP_WATCH_INTERVAL_SECONDS: a new version, such
 * as the monthly GeoLite2 or DB-IP release copied over the old one, replaces
 * the database in memory without a restart. A new version that cannot be read
 * is logged and the one in memory stays. (Not on SIGHUP: that stops the
 * process, see main.ts.)
 */
@Injectable()
export class IpLocator implements OnModuleDestroy {
  private readonly logger = new Logger('GeoIP');
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  private constructor(
    private readonly path: string | null,
    private database: GeoIpDatabase | null,
  ) {}

  /** Reads the configured database; throws GeoIpDatabaseError when it cannot (the start then fails). */
  static async open(settings: GeoIpSettings): Promise<IpLocator> {
    const { databasePath: path, watchIntervalSeconds } = settings;
    const locator = new IpLocator(path, path ? await openGeoIpDatabase(path) : null);
    if (path && watchIntervalSeconds > 0) locator.watch(watchIntervalSeconds);
    return locator;
  }

  /** Whether lookups are made at all (GEOIP_DATABASE is not off). */
  get enabled(): boolean {
    return this.database !== null;
  }

  /** The database's own name and build date, for the log. */
  get description(): string {
    if (!this.database) return 'nowhere (GEOIP_DATABASE=off)';
    const { databaseType, buildEpoch } = this.reader!.metadata;
    return `${databaseType} built ${buildEpoch.toISOString().slice(0, 10)} (${this.path})`;
  }

  /** Where `ipAddress` appears to be; null when off, for private, loopback and unknown addresses. */
  locate(ipAddress: string | null | undefined): ApproximateLocation | null {
    if (!this.reader || !ipAddress || !isPublicAddress(ipAddress)) return null;
    return locationOfRecord(this.reader.get(ipAddress));
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private get reader(): Reader<Response> | null {
    return this.database?.reader ?? null;
  }

  private watch(intervalSeconds: number): void {
    // A stat of the path, not fs.watch: it follows the path, so a new file
    // renamed over the old one (an atomic replace) is seen, where an inode
    // watch would keep watching the old file. Unref'd: it never keeps a
    // stopping process alive.
    this.timer = setInterval(() => void this.reloadIfChanged(), intervalSeconds * 1000).unref();
  }

  private async reloadIfChanged(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      // Gone (mid-replace, or removed): keep what is in memory until a file is back.
      const version = await fileVersion(this.path!).catch(() => null);
      if (version === null || version === this.database?.version) return;
      this.database = await openGeoIpDatabase(this.path!);
      this.logger.log(`Reloaded: approximate locations from ${this.description}`);
    } catch (error) {
      this.logger.error(`${(error as Error).message} Keeping the database already loaded.`);
      // Not retried until the file changes again: a broken file logs once, not every interval.
      this.database = { ...this.database!, version: (await fileVersion(this.path!).catch(() => null)) ?? '' };
    } finally {
      this.checking = false;
    }
  }
}
