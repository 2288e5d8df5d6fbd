import { expect } from '@jest/globals';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';

import { type CeremonyOverrides, PasskeyAuthenticator } from '../support/passkey-authenticator.js';

// Lives in the integration tier only because the unit tier runs src/ alone; it needs no database.
// The e2e tests of passkeys trust this authenticator to be an honest browser unless told
// otherwise: here the library the server uses says that its output verifies, and that each
// knob breaks exactly what it claims to.

const ORIGIN = 'https://sessions.example';
const RP_ID = 'sessions.example';

async function registrationOptions(excludeCredentials: string[] = []): Promise<string> {
  const options = await generateRegistrationOptions({
    rpName: 'Sessions',
    rpID: RP_ID,
    userName: 'ada@example.com',
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    excludeCredentials: excludeCredentials.map((id) => ({ id })),
  });
  return JSON.stringify(options);
}

async function authenticationOptions(allowCredentials: string[] = []): Promise<string> {
  const options = await generateAuthenticationOptions({
    rpID: RP_ID,
    userVerification: 'required',
    allowCredentials: allowCredentials.map((id) => ({ id })),
  });
  return JSON.stringify(options);
}

/** What the server does with a registration response, as the backend configures it. */
async function verifyRegistration(optionsJson: string, responseJson: string) {
  return verifyRegistrationResponse({
    response: JSON.parse(responseJson) as RegistrationResponseJSON,
    expectedChallenge: (JSON.parse(optionsJson) as { challenge: string }).challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
  });
}

async function verifyAuthentication(
  optionsJson: string,
  responseJson: string,
  credential: WebAuthnCredential,
) {
  return verifyAuthenticationResponse({
    response: JSON.parse(responseJson) as AuthenticationResponseJSON,
    expectedChallenge: (JSON.parse(optionsJson) as { challenge: string }).challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
  });
}

/** Registers one passkey and returns what a server would store of it. */
async function registered(authenticator: PasskeyAuthenticator): Promise<WebAuthnCredential> {
  const options = await registrationOptions();
  const verified = await verifyRegistration(options, authenticator.createCredential(options));
  if (!verified.verified) throw new Error('registration did not verify');
  const { id, publicKey, counter, transports } = verified.registrationInfo.credential;
  return { id, publicKey, counter, transports };
}

describe('the test passkey authenticator', () => {
  it('creates a credential that verifies with attestation none, user verification and its public key', async () => {
    const authenticator = new PasskeyAuthenticator({ origin: ORIGIN });
    const options = await registrationOptions();

    const response = authenticator.createCredential(options);
    const verified = await verifyRegistration(options, response);

    expect(verified.verified).toBe(true);
    const info = verified.registrationInfo!;
    expect(info.fmt).toBe('none');
    expect(info.userVerified).toBe(true);
    expect(info.aaguid).toBe('00000000-0000-0000-0000-000000000000');
    expect(info.credentialDeviceType).toBe('singleDevice');
    expect(info.credential.id).toBe(authenticator.credentials[0].id);
    expect(info.credential.counter).toBe(1);
    const parsed = JSON.parse(response) as RegistrationResponseJSON;
    expect(parsed).toMatchObject({
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    });
    expect(parsed.rawId).toBe(parsed.id);
    expect(parsed.response.transports).toEqual(['internal', 'hybrid']);
  });

  it('reports its AAGUID and, for a synced passkey, backup eligible and backed up', async () => {
    const aaguid = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
    const authenticator = new PasskeyAuthenticator({
      origin: ORIGIN,
      aaguid,
      backupEligible: true,
      backedUp: true,
    });
    const options = await registrationOptions();

    const verified = await verifyRegistration(options, authenticator.createCredential(options));

    expect(verified.registrationInfo).toMatchObject({
      aaguid,
      credentialDeviceType: 'multiDevice',
      credentialBackedUp: true,
    });
  });

  it('refuses, as a browser does, to create a credential the options exclude', async () => {
    const authenticator = new PasskeyAuthenticator({ origin: ORIGIN });
    const credential = await registered(authenticator);

    const options = await registrationOptions([credential.id]);

    expect(() => authenticator.createCredential(options)).toThrow(/InvalidStateError/);
    expect(authenticator.credentials).toHaveLength(1);
  });

  it('attests a credential it holds again when named, for a second account (same id, same key)', async () => {
    const authenticator = new PasskeyAuthenticator({ origin: ORIGIN });
    const first = await registered(authenticator);
    const options = await registrationOptions();

    const verified = await verifyRegistration(
      options,
      authenticator.createCredential(options, { credentialId: first.id }),
    );

    expect(verified.registrationInfo!.credential.id).toBe(first.id);
    expect(Buffer.from(verified.registrationInfo!.credential.publicKey)).toEqual(
      Buffer.from(first.publicKey),
    );
    expect(authenticator.credentials).toHaveLength(1);
  });

  it('signs a discoverable assertion that verifies, with the user handle of the registration', async () => {
    const authenticator = new PasskeyAuthenticator({ origin: ORIGIN });
    const creation = await registrationOptions();
    const verifiedRegistration = await verifyRegistration(creation, authenticator.createCredential(creation));
    const credential = verifiedRegistration.registrationInfo!.credential;

    // No allowCredentials: the authenticator finds the RP's credential itself, no email typed.
    const options = await authenticationOptions();
    const response = authenticator.getAssertion(options);
    const verified = await verifyAuthentication(options, response, credential);

    expect(verified.verified).toBe(true);
    expect(verified.authenticationInfo.userVerified).toBe(true);
    expect(verified.authenticationInfo.newCounter).toBe(2);
    const parsed = JSON.parse(response) as AuthenticationResponseJSON;
    expect(parsed.id).toBe(credential.id);
    expect(parsed.response.userHandle).toBe((JSON.parse(creation) as { user: { id: string } }).user.id);
  });

  it('answers with the credential allowCredentials names, and refuses when it holds none of them', async () => {
    const authenticator = new PasskeyAuthenticator({ origin: ORIGIN });
    const first = await registered(authenticator);
    const second = await registered(authenticator);

    const options = await authenticationOptions([second.id]);
    const response = JSON.parse(authenticator.getAssertion(options)) as AuthenticationResponseJSON;

    expect(response.id).toBe(second.id);
    expect((await verifyAuthentication(options, JSON.stringify(response), second)).verified).toBe(true);
    expect(() => authenticator.getAssertion(options, { credentialId: first.id })).toThrow(/NotAllowedError/);
    const foreign = await authenticationOptions(['AAAAAAAAAAAAAAAAAAAAAA']);
    expect(() => authenticator.getAssertion(foreign)).toThrow(/NotAllowedError/);
  });

  it('sends zero every time in zero-counter mode, which the server accepts', async () => {
    const authenticator = new PasskeyAuthenticator({ origin: ORIGIN, counter: 'zero' });
    const credential = await registered(authenticator);
    expect(credential.counter).toBe(0);

    for (let use = 0; use < 2; use++) {
      const options = await authenticationOptions();
      const verified = await verifyAuthentication(options, authenticator.getAssertion(options), credential);
      expect(verified.authenticationInfo.newCounter).toBe(0);
    }
  });

  describe('each knob makes verification fail', () => {
    let authenticator: PasskeyAuthenticator;
    let credential: WebAuthnCredential;

    beforeEach(async () => {
      authenticator = new PasskeyAuthenticator({ origin: ORIGIN });
      credential = await registered(authenticator);
    });

    const refusals: Array<[string, CeremonyOverrides, RegExp]> = [
      ['another origin', { origin: 'https://sessions.example.evil' }, /origin/i],
      ['another RP ID', { rpId: 'evil.example' }, /RP ID/i],
      ['user verification off', { userVerified: false }, /user could not be verified/i],
    ];

    it.each(refusals)('registration: %s', async (_, overrides, reason) => {
      const options = await registrationOptions();
      await expect(
        verifyRegistration(options, authenticator.createCredential(options, overrides)),
      ).rejects.toThrow(reason);
    });

    it.each(refusals)('authentication: %s', async (_, overrides, reason) => {
      const options = await authenticationOptions();
      await expect(
        verifyAuthentication(options, authenticator.getAssertion(options, overrides), credential),
      ).rejects.toThrow(reason);
    });

    it('authentication: a counter not above the stored one', async () => {
      const options = await authenticationOptions();
      const stored = { ...credential, counter: 5 };

      await expect(
        verifyAuthentication(options, authenticator.getAssertion(options, { counter: 5 }), stored),
      ).rejects.toThrow(/counter/i);
      await expect(
        verifyAuthentication(options, authenticator.getAssertion(options, { counter: 4 }), stored),
      ).rejects.toThrow(/counter/i);
      // The forged counter was sent once: the authenticator's own count goes on from where it was.
      const honest = await verifyAuthentication(options, authenticator.getAssertion(options), credential);
      expect(honest.authenticationInfo.newCounter).toBe(2);
    });

    it("reports crossOrigin in clientDataJSON when told to (verification is the server's to refuse)", async () => {
      const options = await authenticationOptions();
      const response = JSON.parse(
        authenticator.getAssertion(options, { crossOrigin: true }),
      ) as AuthenticationResponseJSON;

      const clientData = JSON.parse(
        Buffer.from(response.response.clientDataJSON, 'base64url').toString(),
      ) as {
        crossOrigin: boolean;
      };
      expect(clientData.crossOrigin).toBe(true);
    });

    it('authentication: another credential than the one stored (a wrong signature)', async () => {
      const other = new PasskeyAuthenticator({ origin: ORIGIN });
      await registered(other);
      const options = await authenticationOptions();

      // The library does not compare the response's id with the stored one (the server looks the
      // credential up by that id): the signature, made by another key, is what fails.
      const verified = await verifyAuthentication(options, other.getAssertion(options), credential);
      expect(verified.verified).toBe(false);
      const honest = await verifyAuthentication(options, authenticator.getAssertion(options), credential);
      expect(honest.verified).toBe(true);
    });
  });
});
