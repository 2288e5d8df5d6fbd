import { Injectable } from '@nestjs/common';

import type { SignInOutcome } from '../auth/auth.service.js';
import { UnitOfWork } from '../database/transaction.js';
import { SignInDoor } from '../doors/sign-in-door.js';
import type { ClientInfo } from '../sessions/session.types.js';
import { UsersService } from '../users/users.service.js';
import { PasskeyCeremonies, type PasskeyOptions } from '../webauthn/passkey-ceremonies.js';
import { refusedPasskey } from '../webauthn/passkey-errors.js';

/**
 * Sign-in with a passkey and no email typed: the browser offers the site's
 * discoverable passkeys, the answer names its account, and the door does the
 * rest (lockdown, cap, event, new-device mail, live notice) as for any
 * sign-in. Possession plus user verification: no second factor is asked.
 */
@Injectable()
export class PasskeySignInService {
  constructor(
    private readonly ceremonies: PasskeyCeremonies,
    private readonly users: UsersService,
    private readonly door: SignInDoor,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  start(): Promise<PasskeyOptions> {
    return this.ceremonies.assertionOptions(null);
  }

  /** A refused answer is BAD_USER_INPUT on `response` and changes nothing (its challenge stays unspent). */
  signIn(responseJson: string, client: ClientInfo): Promise<SignInOutcome> {
    return this.unitOfWork.run(async (transaction) => {
      const used = await this.ceremonies.verifyAssertion(responseJson, null, transaction);
      const user = used ? await this.users.lock(used.userId, transaction) : undefined;
      if (!used || !user) throw refusedPasskey();
      const entry = await this.door.enter(
        user,
        { kind: 'passkey', passkeyId: used.passkeyId },
        client,
        transaction,
      );
      return { user, entry };
    });
  }
}
