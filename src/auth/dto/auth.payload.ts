import { Field, ObjectType } from '@nestjs/graphql';

import { Session } from '../../sessions/session.model.js';
import { User } from '../../users/user.model.js';

@ObjectType()
export class AuthPayload {
  @Field(() => User)
  user!: User;

  @Field(() => Session)
  session!: Session;

  @Field({
    description:
      'The session token. It is also set as an HttpOnly cookie; send it as `Authorization: Bearer <token>` from clients without cookies.',
  })
  token!: string;
}
