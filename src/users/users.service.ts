import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
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
}
