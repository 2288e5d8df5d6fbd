import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import * as client from 'openid-client';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { OidcProviderSettings } from '../config/oidc-settings.js';
import type { DependencyStatus } from '../health/dependency-status.js';

/** A configured provider and, once discovery has answered, its metadata. */
export interface KnownProvider {
  readonly settings: OidcProviderSettings;
  /** `null` until discovery succeeds (it keeps retrying in the background). */
  readonly configuration: client.Configuration | null;
}

/**
 * This app's identity providers. Discovery runs in the background at start
 * and retries an unreachable issuer every OIDC_DISCOVERY_RETRY_DELAY_MS, so a
 * provider that is down neither stops the server nor the other providers; its
 * button answers with an error code until it is back (see IdentityController).
 * Owned by one app: two apps in one process never share a provider.
 */
@Injectable()
export class IdentityProviders implements OnApplicationBootstrap, OnApplicationShutdown, DependencyStatus {
  readonly indicatorName = 'identityProviders';
  private readonly logger = new Logger(IdentityProviders.name);
  private readonly configurations = new Map<string, client.Configuration>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    for (const settings of this.config.oidc.providers) void this.discover(settings);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Every configured provider, in the configured order. */
  list(): KnownProvider[] {
    return this.config.oidc.providers.map((settings) => this.known(settings));
  }

  /** The provider with this id, or `undefined` when none is configured. */
  find(id: string): KnownProvider | undefined {
    const settings = this.config.oidc.providers.find((provider) => provider.id === id);
    return settings && this.known(settings);
  }

  /** The name a person knows the provider by (its id when it is no longer configured). */
  nameOf(id: string): string {
    return this.find(id)?.settings.name ?? id;
  }

  /** `ready` or `unreachable` per provider id, for /health/ready. */
  status(): Record<string, 'ready' | 'unreachable'> {
    return Object.fromEntries(
      this.config.oidc.providers.map(({ id }) => [id, this.configurations.has(id) ? 'ready' : 'unreachable']),
    );
  }

  private known(settings: OidcProviderSettings): KnownProvider {
    return { settings, configuration: this.configurations.get(settings.id) ?? null };
  }

  private async discover(settings: OidcProviderSettings): Promise<void> {
    const issuer = new URL(settings.issuer);
    try {
      const configuration = await client.discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        undefined,
        // Configuration allows http only for localhost issuers (development and tests).
        issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      if (this.stopped) return;
      this.configurations.set(settings.id, configuration);
      this.logger.log(`Identity provider "${settings.id}" discovered`);
    } catch (error) {
      if (this.stopped) return;
      // The message names the issuer, never the client secret.
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Identity provider "${settings.id}" unreachable (${reason}); retrying`);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.discover(settings);
      }, this.config.oidc.discoveryRetryDelayMs);
      timer.unref();
      this.timers.add(timer);
    }
  }
}
