import { jest } from '@jest/globals';

import { InvalidCredentialsError } from '../common/errors.js';
import type { UnitOfWork } from '../database/transaction.js';
import type { SignInDoor } from '../doors/sign-in-door.js';
import type { SignOutDoor } from '../doors/sign-out-door.js';
import type { SecurityLogService } from '../security-log/security-log.service.js';
import type { SessionStepUpService } from '../sessions/session-step-up.service.js';
import type { UserEntity } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';
import { AuthService } from './auth.service.js';
import type { EmailVerificationService } from './email-verification.service.js';
import { PasswordHasher } from './password-hasher.js';

describe('AuthService.signIn', () => {
  const client = { ipAddress: '192.0.2.1', userAgent: null };

  function serviceWith(user: UserEntity | undefined) {
    const users = { findByEmail: jest.fn(() => Promise.resolve(user)) };
    const door = { enter: jest.fn() };
    const securityLog = { recordFailedSignIn: jest.fn(() => Promise.resolve()) };
    const hasher = new PasswordHasher();
    const verify = jest.spyOn(hasher, 'verify');
    // signIn runs no transaction: it needs no UnitOfWork.
    const auth = new AuthService(
      users as unknown as UsersService,
      hasher,
      {} as UnitOfWork,
      {} as SessionStepUpService,
      securityLog as unknown as SecurityLogService,
      {} as EmailVerificationService,
      door as unknown as SignInDoor,
      {} as SignOutDoor,
    );
    return { auth, verify, door, securityLog };
  }

  it('verifies the password against a real Argon2id hash when the email is unknown, then refuses', async () => {
    const { auth, verify, door, securityLog } = serviceWith(undefined);

    await expect(
      auth.signIn({ email: 'nobody@example.com', password: 'a guess' }, client),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);

    // The same work as for a known account with a wrong password, so timing does not tell them apart.
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledWith(
      expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/),
      'a guess',
    );
    await expect(verify.mock.results[0]?.value).resolves.toBe(false);
    expect(door.enter).not.toHaveBeenCalled();
    // The failure's statement runs too (it records nothing for an unknown email): same work again.
    expect(securityLog.recordFailedSignIn).toHaveBeenCalledWith('nobody@example.com', client);
  });

  it('verifies against the account hash when the email is known, and refuses a wrong password alike', async () => {
    const passwordHash = await new PasswordHasher().hash('the password');
    const { auth, verify, door, securityLog } = serviceWith({
      id: 'u1',
      email: 'a@example.com',
      passwordHash,
    } as UserEntity);

    await expect(auth.signIn({ email: 'a@example.com', password: 'a guess' }, client)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );

    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledWith(passwordHash, 'a guess');
    expect(door.enter).not.toHaveBeenCalled();
    expect(securityLog.recordFailedSignIn).toHaveBeenCalledWith('a@example.com', client);
  });
});
