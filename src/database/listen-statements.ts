import pg from 'pg';

/**
 * The statements of a dedicated LISTEN connection (live/'s session event
 * listener owns the connection and its retries): SQL runs only in
 * repositories and database/ (a lint rule), so its text lives here.
 */
export async function listenOn(client: pg.Client, channel: string): Promise<void> {
  await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
}

/** The heartbeat: a connection that died without a word never answers it. */
export async function heartbeat(client: pg.Client): Promise<void> {
  await client.query('SELECT 1');
}
