import { Injectable } from '@nestjs/common';

import { InputValidationError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { Transaction } from '../database/transaction.js';
import { normalizeEmail } from '../users/normalize-email.js';
import type { NewSecurityEvent, SecurityEventPage } from './security-event.types.js';
import { decodeCursor } from './security-event-cursor.js';
import { SecurityEventType } from './security-event-type.js';
import { SecurityEventsRepository } from './security-events.repository.js';

const MAX_PAGE_SIZE = 100;
const MAX_USER_AGENT_LENGTH = 512;
const PURGE_BATCH_SIZE = 1000;

/**
 * The account's security log. A change and its event are written in the
 * caller's transaction, so the log never holds an event for a change that
 * rolled back, nor misses one that committed.
 */
@Injectable()
export class SecurityLogService {
  constructor(
    private readonly events: SecurityEventsRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Appends `event`; inside `transaction` when given (it then commits or rolls back with the change). */
  record(event: NewSecurityEvent, transaction?: Transaction): Promise<void> {
    return this.events.insert({ ...event, userAgent: truncate(event.userAgent) }, transaction);
  }

  /**
   * A failed sign-in, recorded on the account when the email has one. Costs
   * the same statement either way, so the answer's timing stays the same.
   */
  recordFailedSignIn(
    email: string,
    client: Pick<NewSecurityEvent, 'ipAddress' | 'userAgent' | 'location'>,
  ): Promise<void> {
    return this.events.insertForEmail(SecurityEventType.SIGN_IN_FAILED, normalizeEmail(email), {
      ipAddress: client.ipAddress,
      userAgent: truncate(client.userAgent),
      location: client.location,
    });
  }

  /** One page of the user's events, newest first: one statement. */
  async page(userId: string, first: number, after: string | null): Promise<SecurityEventPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new InputValidationError({ first: [`first must be between 1 and ${MAX_PAGE_SIZE}.`] });
    }
    const position = after === null ? null : decodeCursor(after);
    if (after !== null && !position) throw new InputValidationError({ after: ['Unknown cursor.'] });
    // One more than asked for says whether another page follows, in the same statement.
    const rows = await this.events.page(userId, first + 1, position);
    return { events: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Deletes events older than SECURITY_EVENTS_RETENTION_DAYS, in batches; how many. */
  async purgeExpired(batchSize = PURGE_BATCH_SIZE): Promise<number> {
    let deleted = 0;
    for (;;) {
      const affected = await this.events.deleteOlderThanBatch(
        this.config.securityEventsRetentionDays,
        batchSize,
      );
      deleted += affected;
      if (affected < batchSize) return deleted;
    }
  }
}

function truncate(userAgent: string | null): string | null {
  return userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null;
}
