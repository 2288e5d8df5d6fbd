import type { SeededSession } from './database.js';
import { bearer, QUERIES } from './scenarios.js';

export interface CrossedAnswers {
  readonly requests: number;
  /** Requests sent at the same moment in each round: one per session. */
  readonly atOnce: number;
  /** Answers that named a user other than the token's, or none: must be 0. */
  readonly crossed: number;
}

/**
 * Concurrent requests share the statement that looks their sessions up, so
 * the benchmark checks what the load runs cannot (autocannon checks a body's
 * shape, not whose id it holds): every session asks `me { id }` at the same
 * moment, over connections of its own, and each answer must name its own user.
 */
export async function crossedAnswers(
  url: string,
  sessions: SeededSession[],
  rounds = 5,
): Promise<CrossedAnswers> {
  let requests = 0;
  let crossed = 0;
  for (let round = 0; round < rounds; round++) {
    const answers = await Promise.all(
      sessions.map(async (session) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(session) },
          body: JSON.stringify({ query: QUERIES.meId }),
        });
        const body = (await response.json()) as { data?: { me?: { id?: string } | null } };
        return body.data?.me?.id === session.userId;
      }),
    );
    requests += answers.length;
    crossed += answers.filter((own) => !own).length;
  }
  return { requests, atOnce: sessions.length, crossed };
}
