import { Injectable } from '@nestjs/common';

import { InputValidationError, NotAuthenticatedError } from '../common/errors.js';
import { UnitOfWork } from '../database/transaction.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { AuthContext, ClientInfo, StoredSession } from '../sessions/session.types.js';
import { SessionStepUpService } from '../sessions/session-step-up.service.js';
import { UsersService } from '../users/users.service.js';
import { PasswordHasher } from './password-hasher.js';

/** `reauthenticate`: the password again, to open the requesting session's sudo window. */
@Injectable()
export class ReauthenticationService {
  constructor(
    private readonly users: UsersService,
    private readonly stepUp: SessionStepUpService,
    private readonly securityLog: SecurityLogService,
    private readonly passwords: PasswordHasher,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /**
   * Checks the password and sets the requesting session's authenticatedAt to
   * now. A wrong password is BAD_USER_INPUT on `password`, never
   * UNAUTHENTICATED: clients read that as "your session has ended".
   */
  async reauthenticate(
    { user, session }: AuthContext,
    password: string,
    client: ClientInfo,
  ): Promise<StoredSession> {
    const hash = await this.users.passwordHashOf(user.id);
    // No password to confirm: an account of an identity provider steps up through it.
    if (hash === null) throw new InputValidationError({ password: ['This account has no password.'] });
    const event = { userId: user.id, sessionId: session.id, actorSessionId: session.id, ...client };
    if (!(await this.passwords.verify(hash, password))) {
      // Its own statement: there is no change for it to go with, and it must stay.
      await this.securityLog.record({ type: SecurityEventType.REAUTHENTICATION_FAILED, ...event });
      throw wrongPassword();
    }
    return this.unitOfWork.run(async (transaction) => {
      // As sign-in does: a password changed since the check above opens no window.
      const held = await this.users.holdForSignIn(user.id, transaction);
      if (held?.passwordHash !== hash || held.passwordResetRequired) throw wrongPassword();
      const renewed = await this.stepUp.markAuthenticated(user.id, session.id, transaction);
      if (!renewed) throw new NotAuthenticatedError();
      await this.securityLog.record({ type: SecurityEventType.REAUTHENTICATED, ...event }, transaction);
      return renewed;
    });
  }
}

function wrongPassword(): InputValidationError {
  return new InputValidationError({ password: ['Password is incorrect.'] });
}
