import type { User } from './user.model.js';
import type { UserAccount } from './user-account.js';

/** Copies the public fields only: the password hash cannot leak by a forgotten `@Field`. */
export function toUserModel(entity: UserAccount): User {
  return { id: entity.id, email: entity.email, createdAt: entity.createdAt };
}
