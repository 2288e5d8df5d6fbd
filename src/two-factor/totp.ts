import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/** Six digits, as every authenticator app shows them (spaces allowed: "123 456"). */
const CODE = /^\d{6}$/;
/** One step either side of now: a phone's clock a little off, or a code typed as it changed. */
const TOLERANCE_SECONDS = 30;

/** The shared secret of a new authenticator app: 160 random bits in base32 (RFC 4226's length). */
export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, issuer: string, accountName: string): string {
  return generateURI({ issuer, label: accountName, secret });
}

export function qrCodeSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * The time step (RFC 6238's counter) `code` belongs to, or `null` when it is
 * not a current code of `secret`. Whether that step was already used is the
 * caller's check, in the database, so two instances cannot both accept it.
 */
export async function matchingTimeStep(secret: string, code: string): Promise<number | null> {
  const digits = code.replace(/\s/g, '');
  if (!CODE.test(digits)) return null;
  const result = await verify({ secret, token: digits, epochTolerance: TOLERANCE_SECONDS });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
