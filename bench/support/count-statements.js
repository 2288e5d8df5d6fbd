// Preloaded into the server process by the benchmark only (`node --import`),
// never by the app: records the SQL statements the server sends to PostgreSQL.
// It wraps `pg.Client#query`, the one door every statement goes through,
// whether TypeORM builds it or the app runs it on the pool directly, so the
// count is the number of round trips PostgreSQL sees (no pg_stat_statements,
// which would need `shared_preload_libraries` and a server restart).
//
// The benchmark drives it over the IPC channel of the child process:
//   { type: 'record' }  → forget what was recorded, start recording, answer { type: 'recording' }
//   { type: 'report' }  → stop recording, answer { type: 'statements', statements: [{ text, values }] }
//   { type: 'count' }   → start counting from 0, answer { type: 'counting' }
//   { type: 'total' }   → stop counting, answer { type: 'counted', count, updates }
//   { type: 'memory' }  → collect garbage if the server runs with --expose-gc, answer
//                         { type: 'memoryUsage', usage: process.memoryUsage() }
// Counting keeps no statement, so it can run through a whole measurement at
// the cost of an increment per statement (and a prefix test: `updates` counts
// the UPDATEs, i.e. the session activity writes).
import pg from 'pg';

let recording = false;
let statements = [];
let counting = false;
let count = 0;
let updates = 0;

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function recordedQuery(config, values, callback) {
  const text = typeof config === 'string' ? config : config?.text;
  if (counting) {
    count++;
    if (/^\s*UPDATE\b/i.test(String(text))) updates++;
  }
  if (recording) {
    const parameters = Array.isArray(values) ? values : config?.values;
    statements.push({ text: String(text), values: (parameters ?? []).map(printable) });
  }
  return query.call(this, config, values, callback);
};

// Buffers (bytea parameters) cross the IPC channel as hex, enough to EXPLAIN a statement again.
function printable(value) {
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  return value;
}

process.on('message', (message) => {
  if (message?.type === 'record') {
    statements = [];
    recording = true;
    process.send?.({ type: 'recording' });
  } else if (message?.type === 'report') {
    recording = false;
    process.send?.({ type: 'statements', statements });
  } else if (message?.type === 'count') {
    count = 0;
    updates = 0;
    counting = true;
    process.send?.({ type: 'counting' });
  } else if (message?.type === 'memory') {
    // Twice: the first pass may only schedule finalisers whose memory the second frees.
    globalThis.gc?.();
    globalThis.gc?.();
    process.send?.({ type: 'memoryUsage', usage: process.memoryUsage() });
  } else if (message?.type === 'total') {
    counting = false;
    process.send?.({ type: 'counted', count, updates });
  }
});
