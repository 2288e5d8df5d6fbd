import { Injectable } from '@nestjs/common';

import { InputValidationError, NotFoundError } from '../common/errors.js';
import { isUuid } from '../common/uuid.js';
import { UnitOfWork } from '../database/transaction.js';
import { deviceNameOf } from '../doors/device.js';
import { SecondFactorsRepository } from '../doors/second-factors.repository.js';
import { SignInMethodAlerts } from '../doors/sign-in-method-alerts.js';
import { EndingCause, SignOutDoor } from '../doors/sign-out-door.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { AuthContext, ClientInfo } from '../sessions/session.types.js';
import { SessionStepUpService } from '../sessions/session-step-up.service.js';
import { UsersService } from '../users/users.service.js';
import { PasskeyCeremonies, type PasskeyOptions } from '../webauthn/passkey-ceremonies.js';
import { refusedPasskey } from '../webauthn/passkey-errors.js';
import { PasskeysRepository, type PasskeySummary } from '../webauthn/passkeys.repository.js';
import { PASSKEY_NAME_MAX_LENGTH, passkeyNameOf } from './passkey-name.js';

/**
 * An account's passkeys: adding one (a way in, so it needs a proof given for
 * it, and mails the owner), renaming and removing. The first passkey of an
 * account without another second factor turns two-factor on, as an
 * authenticator app does: the account's one-factor sessions end.
 */
@Injectable()
export class PasskeysService {
  constructor(
    private readonly ceremonies: PasskeyCeremonies,
    private readonly passkeys: PasskeysRepository,
    private readonly secondFactors: SecondFactorsRepository,
    private readonly users: UsersService,
    private readonly stepUp: SessionStepUpService,
    private readonly signOutDoor: SignOutDoor,
    private readonly alerts: SignInMethodAlerts,
    private readonly securityLog: SecurityLogService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  list(userIds: readonly string[]): Promise<PasskeySummary[]> {
    return this.passkeys.listOfUsers(userIds);
  }

  /** Creation options, answerable from this session only; needs a fresh proof of identity (not the sign-in's). */
  startRegistration({ user, session }: AuthContext): Promise<PasskeyOptions> {
    return this.unitOfWork.run(async (transaction) => {
      await this.stepUp.requireCredentialChangeProof(user.id, session.id, transaction);
      return this.ceremonies.registrationOptions(user, session.id, transaction);
    });
  }

  /**
   * Stores the passkey the browser made for this session's options. Needs the
   * sudo window still; logged, mailed, and when it is the account's first
   * second factor, the other sessions end.
   */
  finishRegistration(
    { user, session }: AuthContext,
    input: { responseJson: string; name?: string | null },
    client: ClientInfo,
  ): Promise<PasskeySummary> {
    const name = input.name?.trim() ? passkeyNameOf(input.name) : defaultNameOf(client);
    const actor = { sessionId: session.id, client };
    return this.unitOfWork.run(async (transaction) => {
      // The row the sign-in door holds: a sign-in running now finishes first, and is ended below if need be.
      const held = await this.users.holdForSignIn(user.id, transaction);
      await this.stepUp.requireSudo(user.id, session.id, transaction);
      const credential = await this.ceremonies.verifyRegistration(
        user,
        session.id,
        input.responseJson,
        transaction,
      );
      if (!credential)
        throw refusedPasskey('This passkey could not be verified, or its request lapsed: add it again.');
      const stored = await this.passkeys.insert({ ...credential, name }, transaction);
      if (!stored) throw refusedPasskey('This passkey is already registered.');
      const event = { userId: user.id, sessionId: session.id, actorSessionId: session.id, ...client };
      await this.securityLog.record({ type: SecurityEventType.PASSKEY_ADDED, ...event }, transaction);
      const turnsTwoFactorOn = !held?.twoFactorEnabled;
      if (turnsTwoFactorOn) {
        const ended = await this.signOutDoor.end(user.id, EndingCause.TWO_FACTOR_ENABLED, actor, transaction);
        await this.securityLog.record(
          { type: SecurityEventType.TWO_FACTOR_ENABLED, endedSessionCount: ended, ...event },
          transaction,
        );
      }
      await this.alerts.passkeyChanged(
        user,
        { change: 'added', name, twoFactorTurned: turnsTwoFactorOn ? 'on' : null },
        client,
        transaction,
      );
      return stored;
    });
  }

  async rename({ user }: AuthContext, id: string, name: string): Promise<PasskeySummary> {
    const renamed = isUuid(id) ? await this.passkeys.rename(user.id, id, passkeyNameOf(name)) : undefined;
    if (!renamed) throw new NotFoundError('Passkey not found.');
    return renamed;
  }

  /**
   * Removes a passkey of the requesting user: needs the sudo window, refused
   * (BAD_USER_INPUT, nothing changed) when it is the account's last way in.
   * Someone else's passkey answers as an unknown one. Logged and mailed.
   */
  async remove({ user, session }: AuthContext, id: string, client: ClientInfo): Promise<void> {
    if (!isUuid(id)) {
      await this.stepUp.requireSudo(user.id, session.id);
      throw new NotFoundError('Passkey not found.');
    }
    await this.unitOfWork.run(async (transaction) => {
      // Two removals at once each see the other passkey still there; the hold makes them take turns.
      await this.users.holdForSignIn(user.id, transaction);
      await this.stepUp.requireSudo(user.id, session.id, transaction);
      if (!(await this.passkeys.exists(user.id, id, transaction)))
        throw new NotFoundError('Passkey not found.');
      const name = await this.passkeys.deleteUnlessLast(user.id, id, transaction);
      if (name === undefined)
        throw new InputValidationError(
          { id: ['This passkey is the only way left to sign in to this account; add another way first.'] },
          'This passkey is the only way left to sign in to this account.',
        );
      const event = { userId: user.id, sessionId: session.id, actorSessionId: session.id, ...client };
      await this.securityLog.record({ type: SecurityEventType.PASSKEY_REMOVED, ...event }, transaction);
      const stillOn = (await this.users.holdForSignIn(user.id, transaction))?.twoFactorEnabled ?? false;
      if (!stillOn) {
        // Recovery codes stand in for a second factor that no longer exists: they go with the last one.
        await this.secondFactors.removeAll(user.id, transaction);
        await this.securityLog.record({ type: SecurityEventType.TWO_FACTOR_DISABLED, ...event }, transaction);
      }
      await this.alerts.passkeyChanged(
        user,
        { change: 'removed', name, twoFactorTurned: stillOn ? null : 'off' },
        client,
        transaction,
      );
    });
  }
}

/** "Chrome on macOS": the device it was added from, until the owner names it. */
function defaultNameOf(client: ClientInfo): string {
  return deviceNameOf(client).slice(0, PASSKEY_NAME_MAX_LENGTH);
}
