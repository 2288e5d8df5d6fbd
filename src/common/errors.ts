/**
 * Domain errors: what went wrong, in the service's own words. They are turned
 * into GraphQL errors in one place (graphql-errors.ts), so every resolver and
 * guard reports the same failure the same way.
 */
export const DOMAIN_ERROR_CODES = [
  'UNAUTHENTICATED',
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'NOT_FOUND',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
  'BAD_REQUEST',
  'REAUTHENTICATION_REQUIRED',
  'PASSWORD_RESET_REQUIRED',
  'SECOND_FACTOR_REQUIRED',
] as const;
type ErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;

  /** Extra, client-safe facts for `extensions` (never internals). */
  get details(): Record<string, unknown> {
    return {};
  }
}

export class NotAuthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  constructor() {
    super('You are not signed in, or your session has ended.');
  }
}

/** One message for an unknown email and a wrong password, so neither is revealed. */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  constructor() {
    super('Invalid email or password.');
  }
}

/** `fields` maps each offending input field to its messages. */
export class InputValidationError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly fields: Record<string, string[]>,
    message = 'The input is not valid.',
  ) {
    super(message);
  }

  override get details(): Record<string, unknown> {
    return { fields: this.fields };
  }
}

export class EmailTakenError extends InputValidationError {
  constructor() {
    super({ email: ['An account with this email already exists.'] });
  }
}

/** A bearer token and a session cookie naming different sessions in one request. */
export class ConflictingCredentialsError extends DomainError {
  readonly code = 'BAD_REQUEST';
  constructor() {
    super(
      'The request carries a bearer token and a session cookie for different sessions; send one of them.',
    );
  }
}

/** The requester is known but may not do this; `message` says what. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(message: string) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(message = 'Not found.') {
    super(message);
  }
}

/** A rate limit was hit; `retryAfterSeconds` says when the client may try again. */
export class TooManyRequestsError extends DomainError {
  readonly code = 'TOO_MANY_REQUESTS';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
  }

  override get details(): Record<string, unknown> {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
}

/** The database cannot be reached right now, or did not answer in time. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  /** `cause`: the driver's error, for the log only. */
  constructor(cause?: unknown) {
    super('The service is temporarily unavailable. Please try again shortly.', { cause });
  }
}

/**
 * A sensitive action from a session whose last proof of identity is older
 * than the sudo window; nothing was changed. `maxAgeSeconds` is the window.
 */
export class ReauthenticationRequiredError extends DomainError {
  readonly code = 'REAUTHENTICATION_REQUIRED';
  constructor(
    readonly maxAgeSeconds: number,
    /**
     * How the account can prove it again: `PASSWORD` (or `OIDC` for an
     * account without one), `TOTP` when its authenticator app is on, `PASSKEY`
     * when it has one (then `passkeyOptions` are the options to answer with).
     */
    readonly methods: readonly ('PASSWORD' | 'OIDC' | 'TOTP' | 'PASSKEY')[] = ['PASSWORD'],
    readonly passkeyOptions: string | null = null,
  ) {
    super(methods.includes('PASSWORD') ? 'Confirm your password to do this.' : 'Sign in again to do this.');
  }

  override get details(): Record<string, unknown> {
    return {
      methods: this.methods,
      maxAgeSeconds: this.maxAgeSeconds,
      ...(this.passkeyOptions ? { passkeyOptions: this.passkeyOptions } : {}),
    };
  }
}

/** The right password of an account whose password was invalidated ("This wasn't me"): only a reset sets a new one. */
export class PasswordResetRequiredError extends DomainError {
  readonly code = 'PASSWORD_RESET_REQUIRED';
  constructor() {
    super('This password must be reset: use the link emailed to you, or "Forgot password?".');
  }
}

/**
 * The first factor was right and the account has two-factor on: no session
 * was created and nothing changed yet. `challenge` names the pending sign-in
 * (also set as an HttpOnly cookie for browsers); `methods` complete it.
 */
export class SecondFactorRequiredError extends DomainError {
  readonly code = 'SECOND_FACTOR_REQUIRED';
  constructor(
    readonly challenge: string,
    readonly methods: readonly string[],
    readonly expiresAt: Date,
    /** With PASSKEY among the methods: the options (a JSON string) for the account's passkeys. */
    readonly passkeyOptions: string | null = null,
  ) {
    super(
      methods.includes('PASSKEY')
        ? 'Use your passkey, a code from your authenticator app, or a recovery code, to finish signing in.'
        : 'Enter a code from your authenticator app, or a recovery code, to finish signing in.',
    );
  }

  override get details(): Record<string, unknown> {
    return {
      challenge: this.challenge,
      methods: this.methods,
      expiresAt: this.expiresAt.toISOString(),
      ...(this.passkeyOptions ? { passkeyOptions: this.passkeyOptions } : {}),
    };
  }
}
