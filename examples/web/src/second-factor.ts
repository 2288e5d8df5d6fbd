import { CombinedGraphQLErrors } from '@apollo/client';
import type { AuthenticationFactor, SecondFactorMethod } from './gql/graphql';

/**
 * The first factor was right and the account has two-factor on
 * (SECOND_FACTOR_REQUIRED): no session yet, a code comes next. The pending
 * sign-in's challenge is not kept here: the API set it as an HttpOnly cookie,
 * which completeSignIn reads, so this page's script never holds it.
 */
export function secondFactorRequired(error: unknown): boolean {
  return (
    CombinedGraphQLErrors.is(error) &&
    error.errors.some((e) => e.extensions?.code === 'SECOND_FACTOR_REQUIRED')
  );
}

/**
 * What completes the pending sign-in (SECOND_FACTOR_REQUIRED's
 * `extensions.methods`, e.g. TOTP, RECOVERY_CODE, PASSKEY), or undefined
 * when the error does not say.
 */
export function secondFactorMethods(error: unknown): readonly SecondFactorMethod[] | undefined {
  if (!CombinedGraphQLErrors.is(error)) return undefined;
  const methods = error.errors.find((e) => e.extensions?.code === 'SECOND_FACTOR_REQUIRED')?.extensions
    ?.methods;
  return Array.isArray(methods) ? (methods as SecondFactorMethod[]) : undefined;
}

/**
 * The pending sign-in is gone (used, expired, or five wrong codes): no code
 * can complete it any more, so the person starts over with the first factor.
 */
export function challengeGone(error: unknown): boolean {
  return (
    CombinedGraphQLErrors.is(error) &&
    error.errors.some((e) => {
      const fields = e.extensions?.fields as Record<string, unknown> | undefined;
      return e.extensions?.code === 'BAD_USER_INPUT' && fields?.challenge !== undefined;
    })
  );
}

const FACTOR_NAMES: Record<AuthenticationFactor, string> = {
  PASSWORD: 'password',
  IDENTITY_PROVIDER: 'sign-in provider',
  EMAIL_LINK: 'email link',
  TOTP: 'authenticator app',
  RECOVERY_CODE: 'recovery code',
  PASSKEY: 'passkey',
};

/** What a session proved, in words: "password + authenticator app", "Test ID + recovery code". */
export function describeFactors(factors: readonly AuthenticationFactor[], providerName?: string): string {
  return factors
    .map((factor) => (factor === 'IDENTITY_PROVIDER' && providerName ? providerName : FACTOR_NAMES[factor]))
    .join(' + ');
}

/** What the API is sent: an app's code without the spaces some apps show ("123 456"). */
export function codeToSend(method: SecondFactorMethod, code: string): string {
  return method === 'TOTP' ? code.replace(/\s/g, '') : code.trim();
}
