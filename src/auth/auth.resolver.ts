import { UseGuards } from '@nestjs/common';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { SecondFactorRequiredError } from '../common/errors.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { bySignedInUser } from '../rate-limit/rate-limit-account.js';
import { RateLimited } from '../rate-limit/rate-limited.decorator.js';
import { toSessionModel } from '../sessions/session.mapper.js';
import type { AuthenticatedSession } from '../sessions/session.types.js';
import { toUserModel } from '../users/user.mapper.js';
import { User } from '../users/user.model.js';
import type { UserAccount } from '../users/user-account.js';
import { AuthService, type SignedIn, type SignInOutcome } from './auth.service.js';
import { ChallengeCookie } from './challenge-cookie.js';
import { clientInfoOf } from './client-info.js';
import { CurrentSession } from './decorators/current-session.decorator.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { AuthPayload } from './dto/auth.payload.js';
import { ChangePasswordInput } from './dto/change-password.input.js';
import { ChangePasswordPayload } from './dto/change-password.payload.js';
import { RevokeSessionPayload } from './dto/revoke-session.payload.js';
import { SignInInput } from './dto/sign-in.input.js';
import { SignOutOtherSessionsPayload } from './dto/sign-out-other-sessions.payload.js';
import { SignUpInput } from './dto/sign-up.input.js';
import { OptionalSessionGuard, SessionGuard } from './guards/session.guard.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { SessionCookie } from './session-cookie.js';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly authenticator: RequestAuthenticator,
    private readonly cookie: SessionCookie,
    private readonly challengeCookie: ChallengeCookie,
  ) {}

  @Query(() => User, {
    nullable: true,
    description: 'The signed-in user, or null when the request carries no valid session.',
  })
  @UseGuards(OptionalSessionGuard)
  me(@CurrentUser() user: UserAccount | null): User | null {
    return user ? toUserModel(user) : null;
  }

  @Mutation(() => AuthPayload, { description: 'Create an account and sign it in (a new session).' })
  @RateLimited()
  async signUp(@Args('input') input: SignUpInput, @Context() context: GraphqlContext): Promise<AuthPayload> {
    return this.startSession(context, await this.auth.signUp(input, clientInfoOf(context.req)));
  }

  @Mutation(() => AuthPayload, { description: 'Start a new session for an existing account.' })
  @RateLimited()
  async signIn(@Args('input') input: SignInInput, @Context() context: GraphqlContext): Promise<AuthPayload> {
    return this.answerSignIn(context, await this.auth.signIn(input, clientInfoOf(context.req)));
  }

  @Mutation(() => Boolean, { description: 'End the requesting session.' })
  @UseGuards(SessionGuard)
  async signOut(
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req, res }: GraphqlContext,
  ): Promise<boolean> {
    await this.auth.signOut({ user, session }, clientInfoOf(req));
    this.endRequestSession({ req, res });
    return true;
  }

  @Mutation(() => SignOutOtherSessionsPayload, {
    description:
      'End every session of the requesting user except the requesting one. Needs the sudo window (else REAUTHENTICATION_REQUIRED).',
  })
  @UseGuards(SessionGuard)
  async signOutOtherSessions(
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<SignOutOtherSessionsPayload> {
    const signedOutCount = await this.auth.signOutOtherSessions({ user, session }, clientInfoOf(req));
    return { signedOutCount, user: toUserModel(user) };
  }

  @Mutation(() => RevokeSessionPayload, {
    description:
      'End one session of the requesting user, by id (the requesting one included). Another session needs the sudo window.',
  })
  @UseGuards(SessionGuard)
  async revokeSession(
    @Args('id', { type: () => ID }) id: string,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() context: GraphqlContext,
  ): Promise<RevokeSessionPayload> {
    const revokedSessionId = await this.auth.revokeSession({ user, session }, id, clientInfoOf(context.req));
    if (revokedSessionId === session.id) this.endRequestSession(context);
    return { revokedSessionId, user: toUserModel(user) };
  }

  @Mutation(() => ChangePasswordPayload, {
    description:
      'Replace the password, given the current one; by default also end every other session of the user.',
  })
  // Counts per signed-in user: a stolen session must not become a way to guess the password.
  @RateLimited(bySignedInUser)
  @UseGuards(SessionGuard)
  async changePassword(
    @Args('input') input: ChangePasswordInput,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<ChangePasswordPayload> {
    const signedOutCount = await this.auth.changePassword({ user, session }, input, clientInfoOf(req));
    return { signedOutCount, user: toUserModel(user) };
  }

  /** The requesting session has ended: the cookie goes, and fields below see a signed-out request. */
  private endRequestSession({ req, res }: Pick<GraphqlContext, 'req' | 'res'>): void {
    this.cookie.clear(res);
    this.authenticator.replace(req, null);
  }

  /**
   * A sign-in's answer: the session, or SECOND_FACTOR_REQUIRED with the
   * challenge (also set as an HttpOnly cookie). Thrown after the
   * transaction committed, so the challenge exists when the client hears of it.
   */
  answerSignIn(context: GraphqlContext, { user, entry }: SignInOutcome): AuthPayload {
    if (entry.kind === 'signed-in') {
      // A completed pending sign-in's cookie goes; a plain sign-in sends no header for it.
      if (this.challengeCookie.read(context.req)) this.challengeCookie.clear(context.res);
      return this.startSession(context, { user, ...entry.issued });
    }
    const { pending } = entry;
    this.challengeCookie.set(context.res, pending);
    throw new SecondFactorRequiredError(
      pending.challenge,
      pending.methods,
      pending.expiresAt,
      pending.passkeyOptions,
    );
  }

  /** The new session becomes the request's own: cookie set, and fields below count it. */
  startSession({ req, res }: GraphqlContext, { user, session, token }: SignedIn): AuthPayload {
    this.cookie.set(res, token, session.expiresAt);
    this.authenticator.replace(req, { user, session });
    return { user: toUserModel(user), session: toSessionModel(session, session.id), token };
  }
}
