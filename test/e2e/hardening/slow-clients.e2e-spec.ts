import { setTimeout as sleep } from 'node:timers/promises';

import { expect } from '@jest/globals';

import { uniqueEmail } from '../../support/factories.js';
import { SIGN_UP } from '../../support/hostile-requests.js';
import { openConnection } from '../../support/raw-http.js';
import { useTestApp } from '../../support/test-app.js';

// Limits of one second, so that a client slower than them is quick to write.
const app = useTestApp({
  HTTP_HEADERS_TIMEOUT_SECONDS: '1',
  HTTP_REQUEST_TIMEOUT_SECONDS: '1',
  HTTP_MAX_CONNECTIONS: '4',
});

/** Writes `text` one byte at a time, 200 ms apart, until it is all sent or the server has closed. */
async function trickle(socket: import('node:net').Socket, text: string): Promise<number> {
  let sent = 0;
  for (const byte of text) {
    if (socket.destroyed || socket.writableEnded || socket.closed) break;
    socket.write(byte);
    sent += 1;
    await sleep(200);
  }
  return sent;
}

describe('slow clients', () => {
  it('cuts a request whose body arrives a byte at a time: 408, the connection closed, nothing run', async () => {
    const email = uniqueEmail();
    const body = JSON.stringify({
      query: SIGN_UP,
      variables: { input: { email, password: 'correct horse battery' } },
    });
    const { socket, closed } = await openConnection(app.url);
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );

    const sent = await trickle(socket, body);
    const answer = await closed;

    expect(sent).toBeLessThan(body.length);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(await app.sql('SELECT 1 FROM users WHERE email = $1', [email])).toEqual([]);
  });

  it('cuts a request whose headers never finish: 408 and the connection closed', async () => {
    const { socket, closed } = await openConnection(app.url);
    socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const headers = Array.from({ length: 100 }, (_, index) => `X-Slow-${index}: x\r\n`).join('');

    const sent = await trickle(socket, headers);
    const answer = await closed;

    expect(sent).toBeLessThan(headers.length);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes connections past HTTP_MAX_CONNECTIONS as they arrive, and serves again once one is free', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => openConnection(app.url)));

    const refused = await openConnection(app.url);
    const refusedAnswer = await refused.closed;
    held[0].socket.destroy();
    await held[0].closed;
    const served = await fetch(`${app.url}/health/live`);

    expect(refusedAnswer).toBe('');
    expect(served.status).toBe(200);
    for (const connection of held) connection.socket.destroy();
  });
});
