import { Injectable } from '@nestjs/common';

import { InputValidationError, NotFoundError } from '../common/errors.js';
import { isUuid } from '../common/uuid.js';
import { UnitOfWork } from '../database/transaction.js';
import { IdentitiesRepository, type StoredIdentity } from '../doors/identities.repository.js';
import { SignInMethodAlerts } from '../doors/sign-in-method-alerts.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { AuthContext, ClientInfo } from '../sessions/session.types.js';
import { SessionStepUpService } from '../sessions/session-step-up.service.js';
import { UsersService } from '../users/users.service.js';
import { IdentityProviders } from './identity-providers.js';

/** An account's ways of signing in: its password (or none) and its linked identities. */
@Injectable()
export class IdentityAccountsService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly users: UsersService,
    private readonly stepUp: SessionStepUpService,
    private readonly securityLog: SecurityLogService,
    private readonly unitOfWork: UnitOfWork,
    private readonly methodAlerts: SignInMethodAlerts,
    private readonly providers: IdentityProviders,
  ) {}

  async hasPassword(userId: string): Promise<boolean> {
    return (await this.users.passwordHashOf(userId)) !== null;
  }

  list(userId: string): Promise<StoredIdentity[]> {
    return this.identities.listByUser(userId);
  }

  /**
   * Removes a linked identity of the requesting user. Needs the sudo window;
   * refused (BAD_USER_INPUT, nothing changed) when it is the account's last
   * way to sign in. Someone else's identity id answers as an unknown one.
   */
  async unlink({ user, session }: AuthContext, id: string, client: ClientInfo): Promise<void> {
    if (!isUuid(id)) {
      await this.stepUp.requireSudo(user.id, session.id);
      throw new NotFoundError('Identity not found.');
    }
    await this.unitOfWork.run(async (transaction) => {
      // Two unlinks at once each see the other identity still there; the lock makes them take turns.
      await this.users.lock(user.id, transaction);
      // Checked by the database's clock, in the transaction that removes.
      await this.stepUp.requireSudo(user.id, session.id, transaction);
      if (!(await this.identities.exists(user.id, id, transaction)))
        throw new NotFoundError('Identity not found.');
      const provider = await this.identities.deleteUnlessLast(user.id, id, transaction);
      if (!provider) {
        throw new InputValidationError(
          { id: ['This is the only way left to sign in to this account; link another provider first.'] },
          'This is the only way left to sign in to this account.',
        );
      }
      await this.securityLog.record(
        {
          type: SecurityEventType.IDENTITY_UNLINKED,
          userId: user.id,
          sessionId: session.id,
          actorSessionId: session.id,
          ...client,
        },
        transaction,
      );
      const method = `sign-in with ${this.providers.nameOf(provider)}`;
      await this.methodAlerts.changed(user, 'removed', method, client, transaction);
    });
  }
}
