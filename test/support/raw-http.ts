import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** `errors` of a JSON body, if it had any. */
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface RawRequestOptions {
  method?: string;
  path?: string;
  /** Sent as given, `host` included (fetch would not let a test choose the Host). */
  headers?: Record<string, string>;
  body?: string;
}

/** One request over node:http, with the headers exactly as given. */
export function rawRequest(baseUrl: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const url = new URL(options.path ?? '/graphql', baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: options.method ?? 'POST', headers: options.headers ?? {}, setHost: !options.headers?.host },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let errors: RawResponse['errors'];
          try {
            errors = (JSON.parse(text) as { errors?: RawResponse['errors'] }).errors;
          } catch {
            errors = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, errors });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A TCP connection to the server, and everything it answers until it closes. */
export interface OpenConnection {
  readonly socket: Socket;
  /** Resolves with all the server sent once it closed the connection. */
  readonly closed: Promise<string>;
}

export function openConnection(baseUrl: string): Promise<OpenConnection> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
      resolve({ socket, closed });
    });
    socket.on('error', () => undefined); // a reset is how some refusals end; `closed` reports it
    socket.once('error', reject);
  });
}
