/**
 * An outside service a feature depends on, reported by /health/ready without
 * failing it: an identity provider that is down is the provider's outage, and
 * taking every instance out of rotation for it would stop password sign-in too.
 * A feature provides it under DEPENDENCY_STATUS (health never imports features).
 */
export interface DependencyStatus {
  /** The indicator's key in the readiness answer, e.g. `identityProviders`. */
  readonly indicatorName: string;
  /** Each dependency's state by name, e.g. `{ google: 'ready', keycloak: 'unreachable' }`. */
  status(): Record<string, string>;
}

export const DEPENDENCY_STATUS = Symbol('DEPENDENCY_STATUS');
