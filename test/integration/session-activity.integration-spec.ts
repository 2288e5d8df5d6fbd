import { SessionsService } from '../../src/sessions/sessions.service.js';
import { authenticate, signUpUser } from '../support/accounts.js';
import { sessionRow } from '../support/session-rows.js';
import { useTestModule } from '../support/test-module.js';

describe('SessionsService.recordActivity', () => {
  const module = useTestModule();

  it('never brings back a session that was deleted after the request loaded it', async () => {
    const user = await signUpUser(module);
    const sessions = module.get(SessionsService);
    const auth = await sessions.authenticate(user.token);
    // As a request would hold it: loaded a moment before another request revoked it.
    auth!.session.lastActiveAt = new Date(0);
    await module.sql('DELETE FROM sessions WHERE id = $1', [auth!.session.id]);

    const renewed = await sessions.recordActivity(auth!.session, { ipAddress: '127.0.0.1', userAgent: null });

    expect(renewed).toBe(false);
    expect(await sessionRow(module, auth!.session.id)).toBeUndefined();
    expect(await authenticate(module, user.token)).toBeNull();
  });
});
