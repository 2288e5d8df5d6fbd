import { Agent, request } from 'node:http';

export interface GraphqlAnswer<TData = Record<string, unknown>> {
  readonly status: number;
  readonly data?: TData | null;
  readonly errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

// One kept-alive connection, as a browser or an API client would hold: the
// single-request timings then measure the server, not TCP handshakes.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One GraphQL POST, the way Apollo Client sends it (JSON, so CSRF prevention lets it through). */
export function graphql<TData = Record<string, unknown>>(
  url: string,
  query: string,
  headers: Record<string, string> = {},
  variables: Record<string, unknown> = {},
): Promise<GraphqlAnswer<TData>> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          try {
            const text = Buffer.concat(chunks).toString('utf8');
            const json = (text ? JSON.parse(text) : {}) as Omit<GraphqlAnswer<TData>, 'status'>;
            resolve({ status: response.statusCode ?? 0, ...json });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Like `graphql`, but throws unless the answer is a 200 without errors. */
export async function graphqlOk<TData = Record<string, unknown>>(
  url: string,
  query: string,
  headers: Record<string, string> = {},
  variables: Record<string, unknown> = {},
): Promise<TData> {
  const answer = await graphql<TData>(url, query, headers, variables);
  if (answer.status !== 200 || answer.errors || !answer.data) {
    throw new Error(`${query} answered ${answer.status}: ${JSON.stringify(answer)}`);
  }
  return answer.data;
}

/** Milliseconds (fractional) one call takes. */
export async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}
