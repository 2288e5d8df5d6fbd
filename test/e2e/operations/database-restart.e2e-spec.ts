import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { expect } from '@jest/globals';

import { dataSourceOptions } from '../../../src/database/data-source-options.js';
import { BuiltServer } from '../../support/built-server.js';
import { runDrill, SequentialUser, type Tally } from '../../support/sequential-users.js';
import { ServerProcess } from '../../support/server-process.js';
import { StoppablePostgres } from '../../support/stoppable-postgres.js';

const USERS = 12;
const started = Date.now();
/** How long PostgreSQL stays away: long enough for every user to run into it. */
const OUTAGE_MS = 2_500;
const DRILL = { warmupMs: 1_500, recoveryTimeoutMs: 10_000 };
/** The name the app's connections carry in pg_stat_activity. */
const APPLICATION_NAME = String(
  (dataSourceOptions(undefined, []) as { applicationName?: string }).applicationName,
);

/**
 * Two instances of the built server (separate processes, so an uncaught
 * error is an exit, as in production) share a PostgreSQL of this file's own
 * that goes away in the middle of many users' requests and comes back. The
 * service must survive it, and while a session cannot be checked it answers
 * SERVICE_UNAVAILABLE: never "no session" (`me: null`, UNAUTHENTICATED),
 * which clients take as a sign-out, and never INTERNAL_SERVER_ERROR.
 */
describe('a database restart under load from two instances', () => {
  let postgres: StoppablePostgres;
  let build: BuiltServer;
  let instances: ServerProcess[] = [];

  beforeAll(async () => {
    [postgres, build] = await Promise.all([
      StoppablePostgres.start(resolve('.data', `restart-test-${process.pid}`), 'restart'),
      BuiltServer.build('restart'),
    ]);
  }, 120_000);

  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    instances = [];
  });

  afterAll(async () => {
    await postgres?.close();
    await build?.remove();
  });

  async function startInstances(): Promise<string[]> {
    const env = {
      DATABASE_URL: postgres.url,
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      RATE_LIMIT_PER_IP: '1000000',
      RATE_LIMIT_PER_IP_AND_ACCOUNT: '1000000',
      LOG_LEVEL: 'error',
    };
    // Together: the migrations' advisory lock lets one apply them while the other waits.
    const spawned = await Promise.allSettled([
      ServerProcess.spawn(build, env),
      ServerProcess.spawn(build, env),
    ]);
    for (const result of spawned) if (result.status === 'fulfilled') instances.push(result.value);
    for (const result of spawned) if (result.status === 'rejected') throw result.reason;
    return instances.map((instance) => instance.url);
  }

  /** What a disruption did: how many of the app's connections it ended (a stop ends all that are open). */
  interface Disrupted {
    ended: number;
  }

  const disruptions: [string, (tally: Tally) => Promise<Disrupted>][] = [
    [
      'a fast shutdown (57P01 to every connection)',
      async () => {
        const ended = await postgres.countBackends(APPLICATION_NAME);
        await postgres.stop('fast');
        await sleep(OUTAGE_MS);
        await postgres.restart();
        return { ended };
      },
    ],
    [
      'an immediate shutdown (connections cut, crash recovery on start)',
      async () => {
        const ended = await postgres.countBackends(APPLICATION_NAME);
        await postgres.stop('immediate');
        await sleep(OUTAGE_MS);
        await postgres.restart();
        return { ended };
      },
    ],
    [
      "pg_terminate_backend of the app's connections, again and again",
      async (tally) => {
        let ended = 0;
        // A connection cut while idle is replaced unseen: go on (bounded) until a request met a cut.
        for (let round = 0; round < 12 || (tally.counts.unavailable === 0 && round < 50); round++) {
          ended += await postgres.terminateBackends(APPLICATION_NAME);
          await sleep(100);
        }
        return { ended };
      },
    ],
  ];

  it.each(disruptions)(
    'survives %s, answers only right or SERVICE_UNAVAILABLE, and serves every user again',
    async (_disruption, disrupt) => {
      const urls = await startInstances();
      const users = await Promise.all(
        Array.from({ length: USERS }, (_, index) => SequentialUser.signUp(index, urls[index % urls.length])),
      );

      const drillStarted = Date.now();
      let disrupted: Disrupted = { ended: 0 };
      const { tally, recovered } = await runDrill(
        users,
        urls,
        async (running) => {
          disrupted = await disrupt(running);
        },
        DRILL,
      );
      const drillMs = Date.now() - drillStarted;

      if (process.env.RESTART_DRILL_REPORT)
        console.log(JSON.stringify({ tally, recovered, drillMs, sinceStart: Date.now() - started }));
      for (const instance of instances) {
        expect({
          exitCode: instance.exitCode,
          output: instance.exitCode === null ? '' : instance.recentOutput,
        }).toEqual({ exitCode: null, output: '' });
      }
      const { meNull, unauthenticated, internal, other } = tally.counts;
      expect({ wrong: { meNull, unauthenticated, internal, other }, samples: tally.samples }).toEqual({
        wrong: { meNull: 0, unauthenticated: 0, internal: 0, other: 0 },
        samples: [],
      });
      expect(recovered).toBe(USERS);
      // The drill showed something only if the disruption struck the app's connections and
      // requests met it (else every assertion above holds for a database left alone).
      expect(disrupted.ended).toBeGreaterThan(0);
      expect(tally.counts.unavailable).toBeGreaterThan(0);
    },
    40_000,
  );
});
