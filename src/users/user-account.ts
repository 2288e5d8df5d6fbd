import type { UserEntity } from './user.entity.js';

/**
 * A user as a signed-in request carries it: everything but the password hash.
 * The hash is read only where a password is checked (sign-in, changePassword),
 * so it is not loaded on every request nor held in every request's context.
 */
export type UserAccount = Pick<UserEntity, 'id' | 'email' | 'createdAt'>;

/** Leaves the password hash behind once it has been checked or set. */
export function toUserAccount({ id, email, createdAt }: UserEntity): UserAccount {
  return { id, email, createdAt };
}
