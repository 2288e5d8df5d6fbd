import { decodeCursor, encodeCursor } from './security-event-cursor.js';

describe('security event cursors', () => {
  const position = { occurredAtMicros: '1796000000123456', id: '0b3c6a4e-2f7d-4c1e-9a51-1f6f2b8e9d10' };

  it('give back the position they were made from', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each(['', 'not a cursor', Buffer.from('12:not-a-uuid').toString('base64url'), 'x'.repeat(200)])(
    'refuse %j, which this server never issued',
    (cursor) => {
      expect(decodeCursor(cursor)).toBeNull();
    },
  );
});
