import pg from 'pg';

import { ListenedClient } from './pg-client.js';

describe('ListenedClient', () => {
  it('does not throw an error that no owner listens to, where a plain pg client would', () => {
    const error = new Error('terminating connection due to administrator command');

    expect(() => new pg.Client().emit('error', error)).toThrow();
    expect(() => new ListenedClient().emit('error', error)).not.toThrow();
  });
});
