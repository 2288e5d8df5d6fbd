/**
 * How environment variables become typed settings: the converters and
 * validators the AppConfig class is declared with, each message naming its
 * variable.
 */
import { isIP } from 'node:net';

import { Transform } from 'class-transformer';
import {
  IsInt,
  Max,
  Min,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

export const DAY_IN_SECONDS = 24 * 60 * 60;
// A bound far past any sane lifetime that still keeps `now() + interval` inside
// PostgreSQL's timestamp range and JavaScript's Date: a typo of a few extra
// digits fails at start with the variable named, not as a 500 on every sign-in.
export const MAX_DURATION_SECONDS = 100 * 366 * DAY_IN_SECONDS;

export const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;

export const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/** `https://app.example.com` or `http://localhost:5173`: scheme, host and port, nothing else. */
export function isOrigin(value: unknown): boolean {
  return isHttpUrl(value) && new URL(value as string).origin === (value as string).replace(/\/$/, '');
}

/** An absolute http(s) URL, such as https://api.example.com or http://localhost:3000/. */
export function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A whole number from `min` to `max` (no upper bound when omitted), failing with `message`. */
function WholeNumber(message: string, min: number, max?: number): PropertyDecorator {
  return (target, key) => {
    Transform(toInteger)(target, key);
    IsInt({ message })(target, key);
    Min(min, { message })(target, key);
    if (max !== undefined) Max(max, { message })(target, key);
  };
}

/** A TCP port number (0: any free one). */
export function PortNumber(name: string): PropertyDecorator {
  return WholeNumber(`${name} must be between 0 and 65535`, 0, 65535);
}

/** A positive whole number (attempts, milliseconds …), each message naming the variable. */
export function PositiveInteger(name: string, unit: string): PropertyDecorator {
  return WholeNumber(`${name} must be a positive integer${unit}`, 1);
}

/** A positive whole number of seconds, each message naming the variable. */
export function DurationInSeconds(name: string): PropertyDecorator {
  const message = `${name} must be a positive integer number of seconds (at most ${MAX_DURATION_SECONDS})`;
  return WholeNumber(message, 1, MAX_DURATION_SECONDS);
}

/** Like DurationInSeconds, but 0 is allowed: it turns the feature off. */
export function DurationInSecondsOrOff(name: string): PropertyDecorator {
  const message = `${name} must be a whole number of seconds from 0 (off) to ${MAX_DURATION_SECONDS}`;
  return WholeNumber(message, 0, MAX_DURATION_SECONDS);
}

/** A positive whole number of days, at most a century (it becomes a PostgreSQL interval). */
export function WholeDays(name: string): PropertyDecorator {
  return WholeNumber(`${name} must be a whole number of days from 1 to 36600`, 1, 36_600);
}

/**
 * What TRUST_PROXY accepts (as proxy-addr reads it, under Fastify and for the
 * WebSocket upgrade): `true` (trust every hop: only when every request really
 * comes through your proxy), `false`, a number of hops, or addresses /
 * subnets / the names proxy-addr knows, comma-separated.
 */
export type TrustProxy = boolean | number | readonly string[];

const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export function isTrustProxyEntry(entry: string): boolean {
  if (TRUST_PROXY_NAMES.has(entry)) return true;
  const [address, range, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (version === 4 ? 32 : 128);
  // proxy-addr also takes an IPv4 netmask: 10.0.0.0/255.0.0.0.
  return version === 4 && isIP(range) === 4;
}

export function parseTrustProxy(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed.split(',').map((entry) => entry.trim());
}

@ValidatorConstraint({ name: 'trustProxy' })
export class TrustProxyConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value === 'boolean') return true;
    if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
    return (
      Array.isArray(value) && value.length > 0 && value.every((entry) => isTrustProxyEntry(String(entry)))
    );
  }

  defaultMessage(_args: ValidationArguments): string {
    return (
      'TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of ' +
      'IP addresses, subnets (10.0.0.0/8) or loopback/linklocal/uniquelocal'
    );
  }
}
