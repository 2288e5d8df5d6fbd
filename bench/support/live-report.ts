import type { LiveResults } from '../live.js';
import type { Spread } from './rounds.js';

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const figure = (value: Spread, digits = 0, unit = '') =>
  `${number(value.median, digits)}${unit} [${number(value.min, digits)}–${number(value.max, digits)}]`;

/** The live-updates section of bench/results/*.md (issue 13's rows). */
export function renderLive(live: LiveResults, rounds: number): string {
  const held = live.socketsHeld;
  const signOut = live.signOutOthers;
  const revoke = live.revokeToClose;
  return `## 8. Live updates (WebSocket)

Two server processes on one database, as behind a load balancer: sockets on instance B, mutations
sent to instance A, so every close travelled through PostgreSQL's \`NOTIFY\` and B's \`LISTEN\`
connection. Each socket is one session (bearer token in \`connectionParams\`) subscribed to
\`currentSessionEnded\` and \`accountSessionsChanged\`, as the example page is. Medians [min–max].

| measurement | result |
| --- | ---: |
| ${number(held.sockets)} subscribed sockets on B: time to open them all (64 handshakes at a time), ${rounds} rounds | ${figure(held.openSeconds, 1, ' s')} |
| … resident memory per socket (B's RSS after − before, after a full GC) | ${figure(held.rssBytesPerSocket, 0, ' B')} |
| … JS heap per socket (heapUsed after − before, after a full GC) | ${figure(held.heapBytesPerSocket, 0, ' B')} |
| … sockets dropped while held ${held.holdSeconds} s (longer than the default 15 s ping interval) | ${number(held.droppedDuringHold)} |
| \`signOutOtherSessions\` on A of a user with ${number(signOut.sockets)} sockets on B: the answer, ${signOut.calls} calls | ${figure(signOut.answerMs, 1, ' ms')} |
| … until the last of the ${number(signOut.sockets)} sockets closed | ${figure(signOut.lastSocketClosedMs, 1, ' ms')} |
| … close codes seen | ${Object.entries(signOut.closeCodes)
    .map(([code, count]) => `${code} × ${number(count)}`)
    .join(', ')} |
| \`revokeSession\` on A → the socket on B closed with 4403: p50 of ${revoke.samplesPerRound} revokes, ${rounds} rounds | ${figure(revoke.p50Ms, 2, ' ms')} |
| … p99 | ${figure(revoke.p99Ms, 2, ' ms')} |
| … slowest | ${figure(revoke.maxMs, 2, ' ms')} |
`;
}
