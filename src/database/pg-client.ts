import pg from 'pg';

/**
 * The pool's client class: node-postgres's own, never without an `error`
 * listener.
 *
 * When the server ends a connection (a restart, a failover,
 * `pg_terminate_backend`) node-postgres emits `error` on its client, and an
 * `error` nobody listens to is thrown: the process exits. pg-pool listens
 * while a client is idle, `pool.query` and TypeORM's query runner while they
 * hold it, but not in between: pg-pool hands a released client to a waiting
 * query runner at once, and the runner attaches its listener a promise tick
 * later, while the rest of the socket's last read (the server's "terminating
 * connection due to administrator command", arrived with the previous
 * result) is still being parsed. Under load with the pool exhausted, a
 * restart crashed instances that way.
 *
 * This listener only keeps such an error from being thrown. Every owner still
 * hears it; the client is marked broken by node-postgres itself, so its next
 * statement fails with "… not queryable" (SERVICE_UNAVAILABLE) and the pool
 * discards it when it comes back.
 */
export class ListenedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', heardByItsOwner);
  }
}

function heardByItsOwner(): void {
  // Reported by whoever holds the client (the pool logs idle clients' errors).
}
