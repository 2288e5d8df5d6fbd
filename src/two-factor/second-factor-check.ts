import { Injectable } from '@nestjs/common';

import type { Transaction } from '../database/transaction.js';
import { SecondFactorsRepository } from '../doors/second-factors.repository.js';
import { SignInMethodAlerts } from '../doors/sign-in-method-alerts.js';
import type { SecondFactor } from '../doors/sign-in-proof.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import { AuthenticationFactor, SecondFactorMethod } from '../sessions/authentication-factor.js';
import type { ClientInfo } from '../sessions/session.types.js';
import type { UserAccount } from '../users/user-account.js';
import { PasskeyCeremonies } from '../webauthn/passkey-ceremonies.js';
import { recoveryCodeHash } from './recovery-codes.js';
import { SecretBox } from './secret-box.js';
import { matchingTimeStep } from './totp.js';

/** A second factor as given: the method, and the six digits, the recovery code or the passkey's answer. */
export interface SecondFactorAnswer {
  readonly method: SecondFactorMethod;
  readonly code?: string | null;
  /** PASSKEY: AuthenticationResponseJSON, as a string. */
  readonly responseJson?: string | null;
}

// The longest a recovery code can be typed (16 letters, 3 dashes, some spaces): anything longer is wrong unread.
const MAX_CODE_LENGTH = 64;

/**
 * Checks a second factor for an account, in the caller's transaction, and
 * spends it: a TOTP code's time step is accepted once (on every instance, by
 * one UPDATE), a recovery code is deleted. A wrong, reused or missing code
 * gives `null`, through the same statements as a right one, so the answer's
 * time does not tell them apart. A recovery code used is logged and mailed.
 * A passkey's answer is checked by the WebAuthn ceremony (its challenge
 * spent, its counter moved) and must be one of the account's passkeys.
 */
@Injectable()
export class SecondFactorCheck {
  constructor(
    private readonly factors: SecondFactorsRepository,
    private readonly box: SecretBox,
    private readonly alerts: SignInMethodAlerts,
    private readonly securityLog: SecurityLogService,
    private readonly passkeys: PasskeyCeremonies,
  ) {}

  async verify(
    user: UserAccount,
    answer: SecondFactorAnswer,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<SecondFactor | null> {
    if (answer.method === SecondFactorMethod.PASSKEY) {
      // Only this account's passkeys answer, whoever's options the response is to.
      const used = await this.passkeys.verifyAssertion(answer.responseJson, user.id, transaction);
      return used ? AuthenticationFactor.PASSKEY : null;
    }
    const code = typeof answer.code === 'string' && answer.code.length <= MAX_CODE_LENGTH ? answer.code : '';
    if (answer.method === SecondFactorMethod.RECOVERY_CODE)
      return this.useRecoveryCode(user, code, client, transaction);
    return this.useTotpCode(user, code, transaction);
  }

  private async useTotpCode(
    user: UserAccount,
    code: string,
    transaction: Transaction,
  ): Promise<SecondFactor | null> {
    const factor = await this.factors.findTotp(user.id, transaction);
    const secret = factor?.confirmedAt ? this.box.open(factor.secretCiphertext, user.id) : null;
    const step = secret ? await matchingTimeStep(secret, code) : null;
    const accepted = await this.factors.useTimeStep(user.id, step ?? -1, true, transaction);
    return accepted ? AuthenticationFactor.TOTP : null;
  }

  private async useRecoveryCode(
    user: UserAccount,
    code: string,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<SecondFactor | null> {
    const remaining = await this.factors.useRecoveryCode(user.id, recoveryCodeHash(code), transaction);
    if (remaining === null) return null;
    await this.securityLog.record(
      { type: SecurityEventType.RECOVERY_CODE_USED, userId: user.id, ...client },
      transaction,
    );
    await this.alerts.recoveryCodeUsed(user, remaining, client, transaction);
    return AuthenticationFactor.RECOVERY_CODE;
  }
}
