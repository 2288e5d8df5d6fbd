import { expect } from '@jest/globals';

import { AuthService } from '../../src/auth/auth.service.js';
import { SessionsService } from '../../src/sessions/sessions.service.js';
import { activeSessionCount, authenticate, issueSession, signUpUser } from '../support/accounts.js';
import { useTestModule } from '../support/test-module.js';

describe('AuthService.changePassword', () => {
  const module = useTestModule();

  async function passwordHashOf(userId: string): Promise<string> {
    const [row] = await module.sql<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE id = $1',
      [userId],
    );
    return row.password_hash;
  }

  it('changes the hash and ends the sessions in one transaction: a failure in between leaves both as they were', async () => {
    const alice = await signUpUser(module);
    const phone = await issueSession(module, alice);
    const hash = await passwordHashOf(alice.id);
    const context = await authenticate(module, alice.token);
    const sessions = module.get(SessionsService);
    const endAllExcept = sessions.endAllExcept.bind(sessions);
    // The sessions are deleted, then the statement's caller fails (a lost connection, say).
    sessions.endAllExcept = async (...args) => {
      await endAllExcept(...args);
      throw new Error('connection lost');
    };
    try {
      await expect(
        module.get(AuthService).changePassword(
          context!,
          {
            currentPassword: alice.password,
            newPassword: 'a brand new passphrase',
          },
          { ipAddress: '127.0.0.1', userAgent: null },
        ),
      ).rejects.toThrow('connection lost');
    } finally {
      sessions.endAllExcept = endAllExcept;
    }

    expect(await passwordHashOf(alice.id)).toBe(hash);
    expect((await authenticate(module, phone.token))?.user.id).toBe(alice.id);
    expect(await activeSessionCount(module, alice.id)).toBe(2);
  });
});
