import type { SecurityEventPosition } from './security-event.types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MICROS = /^-?\d{1,18}$/;

/**
 * An opaque cursor: the event's time (µs) and id, base64url. Clients only
 * hand it back; what it holds is the user's own data, and the page it opens is
 * scoped to the requesting user, so a forged one reveals nothing.
 */
export function encodeCursor({ occurredAtMicros, id }: SecurityEventPosition): string {
  return Buffer.from(`${occurredAtMicros}:${id}`, 'utf8').toString('base64url');
}

/** The position a cursor names; `null` for anything this server did not issue. */
export function decodeCursor(cursor: string): SecurityEventPosition | null {
  if (cursor.length > 100) return null;
  const [occurredAtMicros, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (rest.length > 0 || !MICROS.test(occurredAtMicros ?? '') || !UUID.test(id ?? '')) return null;
  return { occurredAtMicros, id };
}
