import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomInt,
  sign,
} from 'node:crypto';

import type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

// Authenticator data flags (WebAuthn §6.1).
const USER_PRESENT = 0x01;
const USER_VERIFIED = 0x04;
const BACKUP_ELIGIBLE = 0x08;
const BACKED_UP = 0x10;
const ATTESTED_CREDENTIAL_DATA = 0x40;

const ES256 = -7;

/** What isoCBOR encodes (tiny-cbor's CBORType, which the helpers do not re-export). */
type Cbor = Parameters<typeof isoCBOR.encode>[0];

export interface PasskeyAuthenticatorOptions {
  /** The page's origin, as the browser reports it in clientDataJSON. */
  origin: string;
  /** The AAGUID (a UUID) the authenticator names itself with; default all zero, as many passkey providers send. */
  aaguid?: string;
  /**
   * `increment` (default): each use sends one more than the last, like a security key.
   * `zero`: always 0, like synced passkeys (iCloud Keychain, Google Password Manager), which keep no counter.
   */
  counter?: 'increment' | 'zero';
  /** Backup eligible (BE) and backed up (BS): a synced passkey has both. Default: neither. */
  backupEligible?: boolean;
  backedUp?: boolean;
  transports?: AuthenticatorTransportFuture[];
  authenticatorAttachment?: 'platform' | 'cross-platform';
}

/**
 * What one ceremony may do differently from an honest browser and authenticator,
 * so a test can make the server refuse it. Each knob forges one field; the
 * authenticator's own state (its credentials, its counters) is left as it was.
 */
export interface CeremonyOverrides {
  /** Reported in clientDataJSON instead of the authenticator's origin (a phishing page's). */
  origin?: string;
  /** Hashed into authenticator data instead of the options' RP ID (a credential scoped to another site). */
  rpId?: string;
  /** false: the UV flag is clear, as when the person was present but not verified. Default true. */
  userVerified?: boolean;
  /** The signCount to send this once (e.g. one that went backwards, as a cloned key would). */
  counter?: number;
  /**
   * The credential to answer with (its id, base64url); required when several would fit.
   * In createCredential: attest this held credential again (same id and key) instead of a
   * new one, as when one credential is offered to a second account.
   */
  credentialId?: string;
  /** Answer with `credentialId` even though the options' allowCredentials do not list it (a tampered client). */
  ignoreAllowCredentials?: boolean;
  crossOrigin?: boolean;
}

/** A credential this authenticator created: its key never leaves the test process. */
export interface HeldCredential {
  /** base64url */
  readonly id: string;
  readonly rpId: string;
  /** The options' `user.id` (base64url), returned as userHandle: the credential is discoverable. */
  readonly userHandle: string;
  readonly privateKey: KeyObject;
  /** The last signCount sent (in `increment` mode). */
  signCount: number;
}

/**
 * A WebAuthn authenticator and the browser in front of it, living in the test
 * process: it creates ES256 (P-256) credentials with node:crypto and signs real
 * assertions, so the server's verification runs as it does for a browser (no
 * mocked verification). Options and responses are the JSON strings the API carries.
 */
export class PasskeyAuthenticator {
  private readonly held: HeldCredential[] = [];
  private readonly settings: Required<Omit<PasskeyAuthenticatorOptions, 'transports'>> & {
    transports: AuthenticatorTransportFuture[];
  };

  constructor(options: PasskeyAuthenticatorOptions) {
    this.settings = {
      aaguid: '00000000-0000-0000-0000-000000000000',
      counter: 'increment',
      backupEligible: false,
      backedUp: false,
      transports: ['internal', 'hybrid'],
      authenticatorAttachment: 'platform',
      ...options,
    };
  }

  get credentials(): readonly HeldCredential[] {
    return this.held;
  }

  /** navigator.credentials.create(): a RegistrationResponseJSON string for these creation options. */
  createCredential(optionsJson: string, overrides: CeremonyOverrides = {}): string {
    const options = JSON.parse(optionsJson) as PublicKeyCredentialCreationOptionsJSON;
    if (!options.pubKeyCredParams.some((param) => param.alg === ES256))
      throw new Error('NotSupportedError: the options do not accept ES256');
    const rpId = options.rp.id ?? new URL(this.settings.origin).hostname;
    const excluded = new Set((options.excludeCredentials ?? []).map((descriptor) => descriptor.id));
    // A browser refuses (InvalidStateError) rather than create a second credential
    // for an account on an authenticator that already holds one of its listed credentials.
    if (this.held.some((credential) => credential.rpId === rpId && excluded.has(credential.id)))
      throw new Error('InvalidStateError: this authenticator already holds an excluded credential');

    const reused = overrides.credentialId !== undefined;
    const credential = reused
      ? this.heldCredential(overrides.credentialId!)
      : newCredential(rpId, options.user.id);
    const id = credential.id;
    const publicKey = createPublicKey(credential.privateKey);
    const counter = this.nextCounter(credential, overrides);

    const credentialId = isoBase64URL.toBuffer(id);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const authenticatorData = Buffer.concat([
      this.authenticatorDataHead(overrides.rpId ?? rpId, overrides, ATTESTED_CREDENTIAL_DATA, counter),
      Buffer.from(this.settings.aaguid.replace(/-/g, ''), 'hex'),
      idLength,
      credentialId,
      coseKey(publicKey),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', new Uint8Array(authenticatorData)],
      ]),
    );
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, overrides);

    // Stored only once the response exists: a refused create leaves nothing behind.
    if (!reused) this.held.push(credential);
    const response: RegistrationResponseJSON = {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON,
        attestationObject: base64url(attestationObject),
        authenticatorData: base64url(authenticatorData),
        publicKey: base64url(publicKey.export({ format: 'der', type: 'spki' })),
        publicKeyAlgorithm: ES256,
        transports: this.settings.transports,
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.settings.authenticatorAttachment,
    };
    return JSON.stringify(response);
  }

  /** navigator.credentials.get(): an AuthenticationResponseJSON string for these request options. */
  getAssertion(optionsJson: string, overrides: CeremonyOverrides = {}): string {
    const options = JSON.parse(optionsJson) as PublicKeyCredentialRequestOptionsJSON;
    const rpId = options.rpId ?? new URL(this.settings.origin).hostname;
    const credential = this.pickCredential(rpId, options, overrides);
    const counter = this.nextCounter(credential, overrides);

    const authenticatorData = this.authenticatorDataHead(overrides.rpId ?? rpId, overrides, 0, counter);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, overrides);
    const clientDataHash = createHash('sha256').update(isoBase64URL.toBuffer(clientDataJSON)).digest();
    // ECDSA over authenticatorData || SHA-256(clientDataJSON); WebAuthn wants the DER form.
    const signature = sign('sha256', Buffer.concat([authenticatorData, clientDataHash]), {
      key: credential.privateKey,
      dsaEncoding: 'der',
    });

    const response: AuthenticationResponseJSON = {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: base64url(authenticatorData),
        signature: base64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.settings.authenticatorAttachment,
    };
    return JSON.stringify(response);
  }

  private pickCredential(
    rpId: string,
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: CeremonyOverrides,
  ): HeldCredential {
    const allowed = new Set((options.allowCredentials ?? []).map((descriptor) => descriptor.id));
    if (overrides.credentialId !== undefined) {
      const named = this.heldCredential(overrides.credentialId);
      if (allowed.size > 0 && !allowed.has(named.id) && !overrides.ignoreAllowCredentials)
        throw new Error('NotAllowedError: the named credential is not in allowCredentials');
      return named;
    }
    // An empty allowCredentials asks for a discoverable credential of the RP (no email typed).
    const candidates = this.held.filter(
      (credential) => credential.rpId === rpId && (allowed.size === 0 || allowed.has(credential.id)),
    );
    if (candidates.length === 0)
      throw new Error(`NotAllowedError: no credential for ${rpId} fits the options`);
    // A browser would show a picker here; a test names the one it means.
    if (candidates.length > 1)
      throw new Error('Several credentials fit the options: name one (credentialId)');
    return candidates[0];
  }

  private heldCredential(id: string): HeldCredential {
    const credential = this.held.find((candidate) => candidate.id === id);
    if (!credential) throw new Error(`This authenticator holds no credential ${id}`);
    return credential;
  }

  private nextCounter(credential: HeldCredential, overrides: CeremonyOverrides): number {
    if (overrides.counter !== undefined) return overrides.counter;
    if (this.settings.counter === 'zero') return 0;
    credential.signCount += 1;
    return credential.signCount;
  }

  /** rpIdHash, flags and signCount: the part of authenticator data every ceremony has. */
  private authenticatorDataHead(
    rpId: string,
    overrides: CeremonyOverrides,
    extraFlags: number,
    counter: number,
  ): Buffer {
    let flags = USER_PRESENT | extraFlags;
    if (overrides.userVerified ?? true) flags |= USER_VERIFIED;
    if (this.settings.backupEligible) flags |= BACKUP_ELIGIBLE;
    if (this.settings.backedUp) flags |= BACKED_UP;
    const signCount = Buffer.alloc(4);
    signCount.writeUInt32BE(counter);
    return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([flags]), signCount]);
  }

  private clientData(
    type: 'webauthn.create' | 'webauthn.get',
    challenge: string,
    overrides: CeremonyOverrides,
  ) {
    const clientData = {
      type,
      challenge,
      origin: overrides.origin ?? this.settings.origin,
      crossOrigin: overrides.crossOrigin ?? false,
    };
    return isoBase64URL.fromUTF8String(JSON.stringify(clientData));
  }
}

function newCredential(rpId: string, userHandle: string): HeldCredential {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Credential ids are opaque and of varying length: 16 to 32 random bytes, as platform authenticators make.
  const id = base64url(randomBytes(randomInt(16, 33)));
  return { id, rpId, userHandle, privateKey, signCount: 0 };
}

/** The public key as a COSE_Key (RFC 9053): EC2, ES256, P-256, x and y. */
function coseKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(
    isoCBOR.encode(
      new Map<number, Cbor>([
        [1, 2], // kty: EC2
        [3, ES256], // alg
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    ),
  );
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
