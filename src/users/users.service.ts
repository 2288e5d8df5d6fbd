import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, QueryFailedError, Repository } from 'typeorm';
import { EmailTakenError } from '../common/errors.js';
import { normalizeEmail } from './normalize-email.js';
import { UserEntity } from './user.entity.js';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: normalizeEmail(email) });
  }

  /** The stored password hash of a user, or `null` when the user no longer exists. */
  async passwordHashOf(userId: string): Promise<string | null> {
    const user = await this.users.findOne({
      select: { id: true, passwordHash: true },
      where: { id: userId },
    });
    return user?.passwordHash ?? null;
  }

  async create(email: string, passwordHash: string): Promise<UserEntity> {
    try {
      return await this.users.save(this.users.create({ email: normalizeEmail(email), passwordHash }));
    } catch (error) {
      // The unique constraint, not a prior SELECT, decides: two sign-ups racing
      // for one email cannot both succeed.
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
      ) {
        throw new EmailTakenError();
      }
      throw error;
    }
  }

  /**
   * Sets a new password hash only if the stored one is still `expectedHash`
   * (the one the caller verified the current password against), so two
   * concurrent changes cannot both succeed on the strength of one old password.
   * Returns whether it changed. Pass `manager` to run it in a caller's transaction.
   */
  async replacePasswordHash(
    userId: string,
    expectedHash: string,
    newHash: string,
    manager?: EntityManager,
  ): Promise<boolean> {
    const users = manager?.getRepository(UserEntity) ?? this.users;
    const result = await users.update({ id: userId, passwordHash: expectedHash }, { passwordHash: newHash });
    return (result.affected ?? 0) > 0;
  }
}
