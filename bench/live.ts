import { setTimeout as sleep } from 'node:timers/promises';

import type { SeededSession, Seeder } from './support/database.js';
import { graphqlOk } from './support/http.js';
import { LiveSocket, openSockets } from './support/live-sockets.js';
import { summarize } from './support/load.js';
import { type Spread, spread } from './support/rounds.js';
import { bearer } from './support/scenarios.js';
import { ServerProcess } from './support/server-process.js';

export interface LiveBenchOptions {
  readonly entry: string;
  /** A database of its own: the sockets' sessions must not change the other sections' tables. */
  readonly databaseUrl: string;
  readonly seeder: Seeder;
  readonly rounds: number;
  readonly log: (message: string) => void;
}

export interface LiveResults {
  readonly socketsHeld: {
    readonly sockets: number;
    readonly holdSeconds: number;
    readonly openSeconds: Spread;
    /** Growth of the server's resident set and of its JS heap (after a full collection), per socket. */
    readonly rssBytesPerSocket: Spread;
    readonly heapBytesPerSocket: Spread;
    /** Sockets that closed during the hold (ping timeouts, limits): must be 0. */
    readonly droppedDuringHold: number;
  };
  readonly signOutOthers: {
    readonly sockets: number;
    readonly calls: number;
    readonly answerMs: Spread;
    /** From sending the mutation on instance A to the last of its sockets on instance B closing. */
    readonly lastSocketClosedMs: Spread;
    readonly closeCodes: Record<string, number>;
  };
  readonly revokeToClose: {
    readonly samplesPerRound: number;
    readonly p50Ms: Spread;
    readonly p99Ms: Spread;
    readonly maxMs: Spread;
  };
}

const HELD_SOCKETS = 10_000;
// Longer than the server's 15 s ping interval: every socket must answer a ping to stay.
const HOLD_SECONDS = 20;
// The server tears a closed socket's subscriptions down after the client saw the close: the next
// round's "before" waits for that, or it would still hold the last round's sockets.
const SETTLE_SECONDS = 5;
const SIGN_OUT_SOCKETS = 1_000;
const SIGN_OUT_REPETITIONS = 5;
const REVOKE_SAMPLES = 200;
const REVOKE = 'mutation Revoke($id: ID!) { revokeSession(id: $id) { revokedSessionId } }';
const SIGN_OUT_OTHERS = 'mutation { signOutOtherSessions { signedOutCount } }';

/**
 * Issue 13's rows: two instances on one database, as deployed behind a load
 * balancer; mutations go to A, sockets are held by B, so every close below
 * travelled through PostgreSQL's NOTIFY.
 */
export async function measureLive(options: LiveBenchOptions): Promise<LiveResults> {
  const { log } = options;
  const env = {
    // Every socket comes from this one address; the per-address cap (200) would refuse the rest.
    LIVE_MAX_CONNECTIONS_PER_IP: String(2 * HELD_SOCKETS),
    HTTP_MAX_CONNECTIONS: String(2 * HELD_SOCKETS),
  };
  const a = await ServerProcess.start({ entry: options.entry, databaseUrl: options.databaseUrl, env });
  const b = await ServerProcess.start({
    entry: options.entry,
    databaseUrl: options.databaseUrl,
    env,
    nodeFlags: ['--expose-gc'],
  });
  try {
    log(
      `live: ${HELD_SOCKETS.toLocaleString('en-US')} subscribed sockets on one instance, held ${HOLD_SECONDS} s`,
    );
    const socketsHeld = await holdSockets(b, options);
    log(`live: signOutOtherSessions of a user with ${SIGN_OUT_SOCKETS.toLocaleString('en-US')} sockets`);
    const signOutOthers = await signOutManySockets(a, b, options);
    log(`live: revoke on A, close on B, ${REVOKE_SAMPLES} sessions × ${options.rounds} rounds`);
    const revokeToClose = await revokeOneByOne(a, b, options);
    return { socketsHeld, signOutOthers, revokeToClose };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

async function holdSockets(
  server: ServerProcess,
  options: LiveBenchOptions,
): Promise<LiveResults['socketsHeld']> {
  const sessions = await options.seeder.usersWithTokens('live-held-', HELD_SOCKETS, 0);
  const tokens = sessions.map((session) => session.token);
  // The first round's handshakes also compile what every later one reuses: not part of the figure.
  await closeAll(await openSockets(server.url, tokens.slice(0, 500)));
  await sleep(SETTLE_SECONDS * 1000);
  const opened: number[] = [];
  const rss: number[] = [];
  const heap: number[] = [];
  let dropped = 0;
  for (let round = 0; round < options.rounds; round++) {
    const before = await server.memoryAfterGc();
    const started = performance.now();
    const sockets = await openSockets(server.url, tokens);
    opened.push((performance.now() - started) / 1000);
    let closedMeanwhile = 0;
    for (const socket of sockets) void socket.closed.then(() => closedMeanwhile++);
    await sleep(HOLD_SECONDS * 1000);
    const after = await server.memoryAfterGc();
    dropped += closedMeanwhile;
    rss.push((after.rss - before.rss) / HELD_SOCKETS);
    heap.push((after.heapUsed - before.heapUsed) / HELD_SOCKETS);
    options.log(
      `  round ${round + 1}: opened in ${opened.at(-1)?.toFixed(1)} s, ${Math.round(rss.at(-1) ?? 0)} B RSS and ${Math.round(heap.at(-1) ?? 0)} B heap per socket, ${closedMeanwhile} dropped`,
    );
    await closeAll(sockets);
    await sleep(SETTLE_SECONDS * 1000);
  }
  return {
    sockets: HELD_SOCKETS,
    holdSeconds: HOLD_SECONDS,
    openSeconds: spread(opened),
    rssBytesPerSocket: spread(rss),
    heapBytesPerSocket: spread(heap),
    droppedDuringHold: dropped,
  };
}

async function signOutManySockets(
  a: ServerProcess,
  b: ServerProcess,
  options: LiveBenchOptions,
): Promise<LiveResults['signOutOthers']> {
  const answers: number[] = [];
  const lastClosed: number[] = [];
  const closeCodes: Record<string, number> = {};
  for (let repetition = 0; repetition < SIGN_OUT_REPETITIONS; repetition++) {
    const [laptop] = await options.seeder.usersWithTokens(`live-sign-out-${repetition}-`, 1, 0);
    const phones = await options.seeder.sessionsWithTokens(Array(SIGN_OUT_SOCKETS).fill(laptop));
    const sockets = await openSockets(b.url, tokensOf(phones));
    const started = performance.now();
    const data = await graphqlOk<{ signOutOtherSessions: { signedOutCount: number } }>(
      a.url,
      SIGN_OUT_OTHERS,
      bearer(laptop),
    );
    answers.push(performance.now() - started);
    if (data.signOutOtherSessions.signedOutCount !== SIGN_OUT_SOCKETS)
      throw new Error(`signOutOtherSessions ended ${data.signOutOtherSessions.signedOutCount} sessions`);
    const closes = await Promise.all(sockets.map((socket) => socket.closed));
    lastClosed.push(Math.max(...closes.map((closed) => closed.at)) - started);
    for (const { code } of closes) closeCodes[code] = (closeCodes[code] ?? 0) + 1;
    options.log(
      `  ${repetition + 1}: answered in ${answers.at(-1)?.toFixed(1)} ms, last socket closed after ${lastClosed.at(-1)?.toFixed(1)} ms`,
    );
  }
  return {
    sockets: SIGN_OUT_SOCKETS,
    calls: SIGN_OUT_REPETITIONS,
    answerMs: spread(answers),
    lastSocketClosedMs: spread(lastClosed),
    closeCodes,
  };
}

async function revokeOneByOne(
  a: ServerProcess,
  b: ServerProcess,
  options: LiveBenchOptions,
): Promise<LiveResults['revokeToClose']> {
  const p50: number[] = [];
  const p99: number[] = [];
  const max: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    // One user per sample: each revoke then wakes only that user's sockets, as in real traffic.
    const laptops = await options.seeder.usersWithTokens(`live-revoke-${round}-`, REVOKE_SAMPLES, 0);
    const phones = await options.seeder.sessionsWithTokens(laptops);
    const sockets = await openSockets(b.url, tokensOf(phones));
    const delays: number[] = [];
    for (const [index, laptop] of laptops.entries()) {
      const started = performance.now();
      await graphqlOk(a.url, REVOKE, bearer(laptop), { id: phones[index].sessionId });
      const closed = await sockets[index].closed;
      if (closed.code !== 4403) throw new Error(`a revoked session's socket closed with ${closed.code}`);
      delays.push(closed.at - started);
    }
    const latency = summarize(delays);
    p50.push(latency.p50Ms);
    p99.push(latency.p99Ms);
    max.push(Math.max(...delays));
    options.log(`  round ${round + 1}: p50 ${p50.at(-1)?.toFixed(2)} ms, p99 ${p99.at(-1)?.toFixed(2)} ms`);
  }
  return { samplesPerRound: REVOKE_SAMPLES, p50Ms: spread(p50), p99Ms: spread(p99), maxMs: spread(max) };
}

const tokensOf = (sessions: SeededSession[]) => sessions.map((session) => session.token);

async function closeAll(sockets: LiveSocket[]): Promise<void> {
  for (const socket of sockets) socket.close();
  await Promise.all(sockets.map((socket) => socket.closed));
}
