// Statement-level faults for a server process: loaded with NODE_OPTIONS=--import=<this file>, it
// makes a fraction of the statements that mention a table fail, one statement at a time, as a
// real database does (a connection reset, a statement timeout, a failover) without the whole
// server going away. The soak (test/soak/run.ts) loads it into both instances; nothing of the
// product knows about it. Plain JavaScript: the built server runs on Node.js alone.
//
// Controlled by a JSON file named by STATEMENT_FAULTS_FILE, read again every 100 ms, so a fault
// window opens and closes while the process runs (and a restarted instance joins it):
//   { "fraction": 0.03, "match": "sessions", "seed": 7 }
// No file, or a fraction of 0: no faults. Each faulted statement fails in one of two ways, half
// and half:
//   - reset: the connection is destroyed with ECONNRESET right after the statement is written.
//     It may have run (an autocommit write commits, its answer is lost) or not; the pool drops
//     the connection, as after a real reset.
//   - error: answered with a plain error (no SQLSTATE the app knows: nothing says "try again")
//     and never sent; the connection stays usable.
import { readFile } from 'node:fs/promises';

import pg from 'pg';

const POLL_MS = 100;

/** The settings in force; `fraction` 0 until the control file says otherwise. */
let settings = { fraction: 0, match: 'sessions' };
let random = Math.random;

async function readSettings(file) {
  let next = { fraction: 0, match: 'sessions' };
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8'));
    next = { fraction: Number(parsed.fraction) || 0, match: String(parsed.match ?? 'sessions') };
    if (parsed.seed !== undefined && parsed.seed !== settings.seed) random = seeded(Number(parsed.seed));
    next.seed = parsed.seed;
  } catch {
    // No file (yet), or one being written: no faults until it reads whole.
  }
  settings = next;
}

/** mulberry32: a seed makes the choice of statements repeatable for one process's order of statements. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function textOf(config) {
  if (typeof config === 'string') return config;
  return typeof config?.text === 'string' ? config.text : '';
}

function plainError() {
  return new Error('statement failed (injected)');
}

function resetError() {
  return Object.assign(new Error('read ECONNRESET (injected)'), {
    code: 'ECONNRESET',
    errno: -104,
    syscall: 'read',
  });
}

const file = process.env.STATEMENT_FAULTS_FILE;
if (file) {
  await readSettings(file);
  setInterval(() => void readSettings(file), POLL_MS).unref();

  const prototype = pg.Client.prototype;
  const query = prototype.query;
  prototype.query = function (config, values, callback) {
    const { fraction, match } = settings;
    // A submittable (a cursor, a stream) has no text here to match: left alone.
    const faulted =
      fraction > 0 &&
      typeof config?.submit !== 'function' &&
      textOf(config).includes(match) &&
      random() < fraction;
    if (!faulted) return query.apply(this, arguments);
    if (random() < 0.5) {
      const result = query.apply(this, arguments);
      this.connection.stream.destroy(resetError());
      return result;
    }
    const done = typeof values === 'function' ? values : callback;
    const error = plainError();
    if (typeof done === 'function') {
      setImmediate(() => done(error));
      return undefined;
    }
    return new Promise((_resolve, reject) => setImmediate(() => reject(error)));
  };
}
