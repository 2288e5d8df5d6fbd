import { createHash, randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { Transaction } from '../database/transaction.js';
import type { UserAccount } from '../users/user-account.js';
import { type ChallengePurpose, type NewPasskey, PasskeysRepository } from './passkeys.repository.js';

/** WebAuthn options for the browser, as the JSON string the contract carries, and when their challenge lapses. */
export interface PasskeyOptions {
  readonly optionsJson: string;
  readonly expiresAt: Date;
}

/** A passkey that just proved possession and user verification. */
export interface UsedPasskey {
  readonly passkeyId: string;
  readonly userId: string;
}

/** A verified registration, ready to store (the caller adds its name). */
export type VerifiedCredential = Omit<NewPasskey, 'name'>;

// Imported on first use: the library and its ASN.1 and X.509 dependencies take about half a
// second to load, which every process start (and every test file) would pay for a feature
// most requests never touch.
let library: Promise<typeof import('@simplewebauthn/server')> | undefined;
function simpleWebAuthn(): Promise<typeof import('@simplewebauthn/server')> {
  return (library ??= import('@simplewebauthn/server'));
}

// The largest response worth parsing: real ones are a few kilobytes.
const MAX_RESPONSE_LENGTH = 64 * 1024;
const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

/**
 * The WebAuthn ceremonies (through @simplewebauthn/server): options with a
 * server-stored, single-use, expiring challenge, and the checks of what the
 * browser answers (challenge, origin, RP ID, signature, user verification,
 * counter). Every refusal is `null` or `false` to the caller, which answers
 * BAD_USER_INPUT on `response`; a refused answer changes nothing, its
 * challenge included.
 */
@Injectable()
export class PasskeyCeremonies {
  constructor(
    private readonly passkeys: PasskeysRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Options to create a passkey for `user`, answerable only from the session `sessionId`. */
  async registrationOptions(
    user: UserAccount,
    sessionId: string,
    transaction: Transaction,
  ): Promise<PasskeyOptions> {
    const existing = await this.passkeys.descriptorsOf(user.id, transaction);
    const { generateRegistrationOptions } = await simpleWebAuthn();
    const options = await generateRegistrationOptions({
      rpName: this.config.twoFactor.totpIssuer,
      rpID: this.config.webauthn.rpId,
      userName: user.email,
      userDisplayName: user.email,
      // The account's id as the user handle: a discoverable sign-in hands it back.
      userID: new TextEncoder().encode(user.id),
      challenge: randomBytes(32),
      timeout: this.lifetimeSeconds() * 1000,
      attestationType: 'none',
      // The same authenticator twice would be one passkey under two names.
      excludeCredentials: existing.map(descriptorOf),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
    const expiresAt = await this.store(options.challenge, 'registration', user.id, sessionId, transaction);
    return { optionsJson: JSON.stringify(options), expiresAt };
  }

  /**
   * Options to prove a passkey: of the account `userId` (its passkeys listed,
   * and only they answer), or of any account (a sign-in where no email is
   * typed: the browser offers the site's discoverable passkeys).
   */
  async assertionOptions(userId: string | null, transaction?: Transaction): Promise<PasskeyOptions> {
    const allowed = userId ? await this.passkeys.descriptorsOf(userId, transaction) : [];
    const { generateAuthenticationOptions } = await simpleWebAuthn();
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      challenge: randomBytes(32),
      timeout: this.lifetimeSeconds() * 1000,
      userVerification: 'required',
      allowCredentials: allowed.map(descriptorOf),
    });
    const expiresAt = await this.store(options.challenge, 'assertion', userId, null, transaction);
    return { optionsJson: JSON.stringify(options), expiresAt };
  }

  /** The new credential, once the browser's answer to `user`'s registration options (from `sessionId`) verifies. */
  async verifyRegistration(
    user: UserAccount,
    sessionId: string,
    responseJson: string,
    transaction: Transaction,
  ): Promise<VerifiedCredential | null> {
    const response = parseResponse<RegistrationResponseJSON>(responseJson, 'attestationObject');
    if (!response) return null;
    const challenge = await this.take(response, 'registration', transaction);
    if (!challenge || challenge.userId !== user.id || challenge.boundTo !== sessionId) return null;
    const { verifyRegistrationResponse } = await simpleWebAuthn();
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.text,
      expectedOrigin: [...this.config.webauthn.origins],
      expectedRPID: this.config.webauthn.rpId,
      requireUserVerification: true,
    }).catch(() => null);
    if (!verified?.verified) return null;
    await this.passkeys.spendChallenge(challenge.hash, transaction);
    const { credential, credentialDeviceType, credentialBackedUp, aaguid } = verified.registrationInfo;
    return {
      userId: user.id,
      credentialId: credential.id,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
      backupEligible: credentialDeviceType === 'multiDevice',
      backedUp: credentialBackedUp,
      aaguid: aaguid === ZERO_AAGUID ? null : aaguid,
    };
  }

  /**
   * Which passkey answered, once the browser's answer verifies: its challenge
   * is live and was handed out for an assertion (of `expectedUserId`'s
   * account when the options named one), the credential is `expectedUserId`'s
   * (any account's when `null`), and the signature, origin, RP ID, user
   * verification and counter hold. The challenge is spent and the counter and
   * last use stored; anything else is `null` and changes nothing.
   */
  async verifyAssertion(
    responseJson: string | null | undefined,
    expectedUserId: string | null,
    transaction: Transaction,
  ): Promise<UsedPasskey | null> {
    const response = parseResponse<AuthenticationResponseJSON>(responseJson, 'authenticatorData');
    if (!response) return null;
    const challenge = await this.take(response, 'assertion', transaction);
    if (!challenge) return null;
    const stored = await this.passkeys.findForAssertion(response.id, transaction);
    if (!stored) return null;
    const owner = stored.userId;
    if ((challenge.userId && challenge.userId !== owner) || (expectedUserId && expectedUserId !== owner))
      return null;
    // A discoverable credential names its account too: it must be the one that holds it.
    const userHandle = response.response.userHandle;
    if (userHandle && Buffer.from(userHandle, 'base64url').toString('utf8') !== owner) return null;
    const { verifyAuthenticationResponse } = await simpleWebAuthn();
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.text,
      expectedOrigin: [...this.config.webauthn.origins],
      expectedRPID: this.config.webauthn.rpId,
      requireUserVerification: true,
      credential: {
        id: stored.credentialId,
        publicKey: new Uint8Array(stored.publicKey),
        // Refused when the authenticator keeps a counter and it did not move forward (a cloned key).
        counter: Number(stored.counter),
        transports: stored.transports as AuthenticatorTransportFuture[],
      },
    }).catch(() => null);
    if (!verified?.verified) return null;
    const { newCounter, credentialBackedUp } = verified.authenticationInfo;
    await this.passkeys.spendChallenge(challenge.hash, transaction);
    await this.passkeys.markUsed(stored.id, newCounter, credentialBackedUp, transaction);
    return { passkeyId: stored.id, userId: owner };
  }

  private lifetimeSeconds(): number {
    return this.config.twoFactor.challengeSeconds;
  }

  private store(
    challenge: string,
    purpose: ChallengePurpose,
    userId: string | null,
    boundTo: string | null,
    transaction?: Transaction,
  ): Promise<Date> {
    return this.passkeys.insertChallenge(
      hashOf(challenge),
      purpose,
      { userId, boundTo },
      this.lifetimeSeconds(),
      transaction,
    );
  }

  /** The live challenge the response answers, for `purpose`, locked; `undefined` otherwise. */
  private async take(
    response: RegistrationResponseJSON | AuthenticationResponseJSON,
    purpose: ChallengePurpose,
    transaction: Transaction,
  ) {
    const text = challengeOf(response.response.clientDataJSON);
    if (!text) return undefined;
    const hash = hashOf(text);
    const stored = await this.passkeys.takeChallenge(hash, transaction);
    return stored?.purpose === purpose ? { ...stored, text, hash } : undefined;
  }
}

function descriptorOf(credential: { credentialId: string; transports: string[] }) {
  return { id: credential.credentialId, transports: credential.transports as AuthenticatorTransportFuture[] };
}

function hashOf(challenge: string): Buffer {
  return createHash('sha256').update(challenge, 'utf8').digest();
}

/**
 * The challenge a response's client data carries, or `null` when it carries
 * none readable, or when the ceremony ran in a frame of another site
 * (`crossOrigin`): no page of this app embeds the prompt, so such an answer
 * is someone else's page asking with the app's origin on top.
 */
function challengeOf(clientDataJson: unknown): string | null {
  if (typeof clientDataJson !== 'string') return null;
  try {
    const clientData: unknown = JSON.parse(Buffer.from(clientDataJson, 'base64url').toString('utf8'));
    const { challenge, crossOrigin } = (clientData ?? {}) as { challenge?: unknown; crossOrigin?: unknown };
    if (crossOrigin === true) return null;
    return typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 512
      ? challenge
      : null;
  } catch {
    return null;
  }
}

/** The browser's JSON, when it has the shape of a credential response (`field` names its kind); else `null`. */
function parseResponse<T extends { id: string; response: { clientDataJSON: string } }>(
  json: string | null | undefined,
  field: 'attestationObject' | 'authenticatorData',
): T | null {
  if (typeof json !== 'string' || json.length > MAX_RESPONSE_LENGTH) return null;
  try {
    const parsed = JSON.parse(json) as Partial<T> | null;
    const response = parsed?.response as Record<string, unknown> | undefined;
    if (typeof parsed?.id !== 'string' || parsed.id.length === 0 || parsed.id.length > 1400) return null;
    if (typeof response?.clientDataJSON !== 'string' || typeof response[field] !== 'string') return null;
    return parsed as T;
  } catch {
    return null;
  }
}
