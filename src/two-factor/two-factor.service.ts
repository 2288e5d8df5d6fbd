import { Injectable } from '@nestjs/common';

import { InputValidationError, NotAuthenticatedError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { UnitOfWork } from '../database/transaction.js';
import { SecondFactorsRepository } from '../doors/second-factors.repository.js';
import { SignInMethodAlerts } from '../doors/sign-in-method-alerts.js';
import { EndingCause, SignOutDoor } from '../doors/sign-out-door.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { AuthContext, ClientInfo, StoredSession } from '../sessions/session.types.js';
import { SessionStepUpService } from '../sessions/session-step-up.service.js';
import { UsersService } from '../users/users.service.js';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.js';
import { type SecondFactorAnswer, SecondFactorCheck } from './second-factor-check.js';
import { SecretBox } from './secret-box.js';
import { matchingTimeStep, newTotpSecret, qrCodeSvg, totpUri } from './totp.js';
import { passkeysKeepTwoFactorOn, refusedAnswer, twoFactorNotOn, wrongCode } from './two-factor-errors.js';

export interface TotpEnrollment {
  readonly secret: string;
  readonly otpauthUri: string;
  readonly qrCodeSvg: string;
}

export interface TwoFactorEnabled {
  readonly recoveryCodes: string[];
  readonly signedOutCount: number;
}

/**
 * Turning two-factor on and off, and the recovery codes. Adding the factor is
 * adding a way in: it needs a fresh proof of identity (not the sign-in's own),
 * ends the account's one-factor sessions and mails the owner. Turning it off
 * needs the sudo window and a current second factor in the same call.
 */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly factors: SecondFactorsRepository,
    private readonly check: SecondFactorCheck,
    private readonly box: SecretBox,
    private readonly users: UsersService,
    private readonly stepUp: SessionStepUpService,
    private readonly signOutDoor: SignOutDoor,
    private readonly alerts: SignInMethodAlerts,
    private readonly securityLog: SecurityLogService,
    private readonly unitOfWork: UnitOfWork,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** A new secret for the app, replacing an unconfirmed one; refused while two-factor is on. */
  async startEnrollment({ user, session }: AuthContext): Promise<TotpEnrollment> {
    const secret = newTotpSecret();
    await this.unitOfWork.run(async (transaction) => {
      await this.stepUp.requireCredentialChangeProof(user.id, session.id, transaction);
      const saved = await this.factors.savePendingTotp(user.id, this.box.seal(secret, user.id), transaction);
      if (!saved)
        throw new InputValidationError(
          {},
          'Two-factor authentication is already on: turn it off first to set up another app.',
        );
    });
    const otpauthUri = totpUri(secret, this.config.twoFactor.totpIssuer, user.email);
    return { secret, otpauthUri, qrCodeSvg: await qrCodeSvg(otpauthUri) };
  }

  /**
   * The first code from the app turns two-factor on: ten recovery codes are
   * made (only their hashes kept), every other session ends (they proved one
   * factor; each socket hears TWO_FACTOR_ENABLED) and the owner is mailed.
   */
  async confirmEnrollment(
    { user, session }: AuthContext,
    code: string,
    client: ClientInfo,
  ): Promise<TwoFactorEnabled> {
    const recoveryCodes = newRecoveryCodes();
    const actor = { sessionId: session.id, client };
    return this.unitOfWork.run(async (transaction) => {
      // The sign-in door holds this row: a sign-in running now finishes first (and its session ends below).
      await this.users.lock(user.id, transaction);
      await this.stepUp.requireSudo(user.id, session.id, transaction);
      const pending = await this.factors.findTotp(user.id, transaction);
      if (!pending || pending.confirmedAt)
        throw wrongCode('Start setting up an authenticator app first (startTotpEnrollment).');
      const step = await matchingTimeStep(this.box.open(pending.secretCiphertext, user.id), code);
      if (!(await this.factors.useTimeStep(user.id, step ?? -1, false, transaction))) throw wrongCode();
      await this.factors.confirmTotp(user.id, transaction);
      await this.factors.replaceRecoveryCodes(user.id, recoveryCodes.map(recoveryCodeHash), transaction);
      const signedOutCount = await this.signOutDoor.end(
        user.id,
        EndingCause.TWO_FACTOR_ENABLED,
        actor,
        transaction,
      );
      const event = { userId: user.id, sessionId: session.id, actorSessionId: session.id, ...client };
      await this.securityLog.record(
        { type: SecurityEventType.TWO_FACTOR_ENABLED, endedSessionCount: signedOutCount, ...event },
        transaction,
      );
      await this.alerts.twoFactorChanged(user, true, client, transaction);
      return { recoveryCodes, signedOutCount };
    });
  }

  /** Needs the sudo window and a current code (or a recovery code); mails the owner. */
  async disable(
    { user, session }: AuthContext,
    answer: SecondFactorAnswer,
    client: ClientInfo,
  ): Promise<void> {
    const event = { userId: user.id, sessionId: session.id, actorSessionId: session.id, ...client };
    const accepted = await this.unitOfWork.run(async (transaction) => {
      // The row the sign-in door holds, and whether two-factor is on, in one read inside the lock.
      const held = await this.users.holdForSignIn(user.id, transaction);
      await this.stepUp.requireSudo(user.id, session.id, transaction);
      if (!held?.twoFactorEnabled) throw twoFactorNotOn();
      // Removing the app would leave the passkeys asking for themselves, with no recovery codes behind them.
      if (held.hasPasskey) throw passkeysKeepTwoFactorOn();
      if (!(await this.check.verify(user, answer, client, transaction))) return false;
      await this.factors.removeAll(user.id, transaction);
      await this.securityLog.record({ type: SecurityEventType.TWO_FACTOR_DISABLED, ...event }, transaction);
      await this.alerts.twoFactorChanged(user, false, client, transaction);
      return true;
    });
    if (!accepted) await this.refuse(answer, event);
  }

  /** Ten new codes; the old ones stop working. Needs the sudo window. */
  async regenerateRecoveryCodes({ user, session }: AuthContext, client: ClientInfo): Promise<string[]> {
    const codes = newRecoveryCodes();
    await this.unitOfWork.run(async (transaction) => {
      await this.stepUp.requireSudo(user.id, session.id, transaction);
      if (!(await this.users.holdForSignIn(user.id, transaction))?.twoFactorEnabled) throw twoFactorNotOn();
      await this.factors.replaceRecoveryCodes(user.id, codes.map(recoveryCodeHash), transaction);
      await this.securityLog.record(
        {
          type: SecurityEventType.RECOVERY_CODES_REGENERATED,
          userId: user.id,
          sessionId: session.id,
          actorSessionId: session.id,
          ...client,
        },
        transaction,
      );
    });
    return codes;
  }

  /** Opens the requesting session's sudo window with a second factor instead of the password. */
  async reauthenticate(
    { user, session }: AuthContext,
    answer: SecondFactorAnswer,
    client: ClientInfo,
  ): Promise<StoredSession> {
    const event = { userId: user.id, sessionId: session.id, actorSessionId: session.id, ...client };
    const renewed = await this.unitOfWork.run(async (transaction) => {
      const held = await this.users.holdForSignIn(user.id, transaction);
      if (!held?.twoFactorEnabled) throw twoFactorNotOn();
      if (held.passwordResetRequired) throw new NotAuthenticatedError();
      if (!(await this.check.verify(user, answer, client, transaction))) return null;
      const marked = await this.stepUp.markAuthenticated(user.id, session.id, transaction);
      if (!marked) throw new NotAuthenticatedError();
      await this.securityLog.record({ type: SecurityEventType.REAUTHENTICATED, ...event }, transaction);
      return marked;
    });
    if (!renewed) return this.refuse(answer, event);
    return renewed;
  }

  /** Logged in its own statement (the attempt's transaction changed nothing), then BAD_USER_INPUT on `code` or `response`. */
  private async refuse(answer: SecondFactorAnswer, event: { userId: string } & ClientInfo): Promise<never> {
    await this.securityLog.record({ type: SecurityEventType.SECOND_FACTOR_FAILED, ...event });
    throw refusedAnswer(answer.method);
  }
}
