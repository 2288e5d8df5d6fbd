import { Injectable } from '@nestjs/common';

import type { SignInOutcome } from '../auth/auth.service.js';
import { InputValidationError } from '../common/errors.js';
import { UnitOfWork } from '../database/transaction.js';
import { SignInChallenges } from '../doors/sign-in-challenges.js';
import { SignInDoor } from '../doors/sign-in-door.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo } from '../sessions/session.types.js';
import { UsersService } from '../users/users.service.js';
import { type SecondFactorAnswer, SecondFactorCheck } from './second-factor-check.js';
import { refusedAnswer } from './two-factor-errors.js';

/**
 * completeSignIn: the second factor of a pending sign-in. The challenge is
 * taken under a lock (of two completions at once, one gets it), the factor
 * checked and spent, and the first factor's proof handed back to the door
 * with it: the session, or the reset, happens there, with every rule of any
 * sign-in. A wrong code counts against the challenge (the fifth ends it) and
 * is logged as SECOND_FACTOR_FAILED with the network and device.
 */
@Injectable()
export class CompleteSignInService {
  constructor(
    private readonly challenges: SignInChallenges,
    private readonly check: SecondFactorCheck,
    private readonly door: SignInDoor,
    private readonly users: UsersService,
    private readonly securityLog: SecurityLogService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async complete(
    challengeToken: string,
    answer: SecondFactorAnswer,
    client: ClientInfo,
  ): Promise<SignInOutcome> {
    const result = await this.unitOfWork.run(async (transaction): Promise<Attempt> => {
      const challenge = await this.challenges.take(challengeToken, transaction);
      const user = await this.users.lock(challenge.userId, transaction);
      if (!user) throw unknownChallenge();
      const factor = await this.check.verify(user, answer, client, transaction);
      if (!factor) {
        const attemptsLeft = await this.challenges.recordFailure(challenge, transaction);
        await this.securityLog.record(
          { type: SecurityEventType.SECOND_FACTOR_FAILED, userId: user.id, ...client },
          transaction,
        );
        return { kind: 'wrong-code', attemptsLeft };
      }
      await this.challenges.spend(challenge, transaction);
      const entry = await this.door.enter(
        user,
        this.challenges.proofOf(challenge, factor),
        client,
        transaction,
      );
      return { kind: 'entered', outcome: { user, entry } };
    });
    if (result.kind === 'wrong-code') {
      // Committed above: the count and the event stay, whatever the client does next.
      throw result.attemptsLeft > 0
        ? refusedAnswer(answer.method)
        : // The challenge is what ended: one message, on the field the client must start over from.
          new InputValidationError({
            challenge: ['Too many wrong codes: this sign-in has ended. Sign in again.'],
          });
    }
    return result.outcome;
  }
}

/** What one attempt did: entered the door, or counted a wrong code (committed either way). */
type Attempt =
  | { readonly kind: 'entered'; readonly outcome: SignInOutcome }
  | { readonly kind: 'wrong-code'; readonly attemptsLeft: number };

function unknownChallenge(): InputValidationError {
  return new InputValidationError({
    challenge: ['This sign-in has expired or was already completed: sign in again.'],
  });
}
