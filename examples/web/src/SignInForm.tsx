import { useMutation, useReactiveVar } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { sessionEndedElsewhere } from './apollo';
import { ForgotPasswordForm } from './EmailLinkPages';
import type { SecondFactorMethod } from './gql/graphql';
import { endedRemotely } from './live';
import { ME, SIGN_IN, SIGN_UP } from './operations';
import { describePasskeyError, passkeyOptionsOf, passkeysSupported, usePasskeyPrompt } from './passkey';
import { SIGN_IN_WITH_PASSKEY } from './passkey-operations';
import { Problem } from './Problem';
import { ProviderButtons } from './ProviderButtons';
import { secondFactorMethods, secondFactorRequired } from './second-factor';
import { SecondFactorStep } from './SecondFactorStep';

type Mode = 'sign-in' | 'sign-up';

export function SignInForm() {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const sessionEnded = useReactiveVar(sessionEndedElsewhere);
  const remotely = useReactiveVar(endedRemotely);
  // The payload's user becomes `me` in the cache: the page switches to the
  // account without another request.
  const [signIn, signingIn] = useMutation(SIGN_IN, {
    update: (cache, { data }) => data && cache.writeQuery({ query: ME, data: { me: data.signIn.user } }),
  });
  const [signUp, signingUp] = useMutation(SIGN_UP, {
    update: (cache, { data }) => data && cache.writeQuery({ query: ME, data: { me: data.signUp.user } }),
  });
  const [signInWithPasskey, signingInWithPasskey] = useMutation(SIGN_IN_WITH_PASSKEY, {
    update: (cache, { data }) =>
      data && cache.writeQuery({ query: ME, data: { me: data.signInWithPasskey.user } }),
  });
  const passkey = usePasskeyPrompt();
  const busy = signingIn.loading || signingUp.loading || signingInWithPasskey.loading || passkey.busy;
  const [forgot, setForgot] = useState(false);
  // The password was right and the account has two-factor on: a code or a passkey comes next.
  const [secondStep, setSecondStep] = useState<{
    methods?: readonly SecondFactorMethod[];
    passkeyOptions?: string;
  } | null>(null);

  async function attempt(signInOrUp: () => Promise<unknown>) {
    setProblem(null);
    try {
      await signInOrUp();
      sessionEndedElsewhere(false);
      endedRemotely(null);
    } catch (error) {
      if (secondFactorRequired(error))
        setSecondStep({ methods: secondFactorMethods(error), passkeyOptions: passkeyOptionsOf(error) });
      else setProblem(describePasskeyError(error));
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const variables = { input: { email, password } };
    void attempt(() => (mode === 'sign-in' ? signIn({ variables }) : signUp({ variables })));
  }

  // No email asked: the browser offers the passkeys it holds for this site, and the one chosen names the account.
  const signInPasskey = () =>
    void attempt(async () =>
      signInWithPasskey({ variables: { input: { responseJson: await passkey.prompt() } } }),
    );

  if (forgot) return <ForgotPasswordForm onDone={() => setForgot(false)} />;
  if (secondStep)
    return (
      <SecondFactorStep
        methods={secondStep.methods}
        passkeyOptions={secondStep.passkeyOptions}
        onStartOver={() => {
          setSecondStep(null);
          setPassword('');
        }}
      />
    );

  return (
    <form className="card" onSubmit={submit} aria-label={title(mode)}>
      <h2>{title(mode)}</h2>
      {remotely ? (
        <p role="status" className="notice">
          {endedRemotelyMessage(remotely)}
        </p>
      ) : (
        sessionEnded && (
          <p role="status" className="notice">
            Your session has ended, perhaps signed out from another device. Sign in again.
          </p>
        )
      )}
      <label>
        Email
        <input
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
          required
          minLength={mode === 'sign-up' ? 8 : undefined}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      <Problem text={problem} />
      <button type="submit" className="primary" disabled={busy}>
        {title(mode)}
      </button>
      {mode === 'sign-in' && (
        <button type="button" className="link" onClick={() => setForgot(true)}>
          Forgot password?
        </button>
      )}
      {mode === 'sign-in' && passkeysSupported && (
        <button type="button" disabled={busy} onClick={signInPasskey}>
          Sign in with a passkey
        </button>
      )}
      <ProviderButtons />
      <p className="muted">
        {mode === 'sign-in' ? 'No account yet? ' : 'Already have an account? '}
        <button
          type="button"
          className="link"
          onClick={() => {
            setProblem(null);
            setMode(mode === 'sign-in' ? 'sign-up' : 'sign-in');
          }}
        >
          {mode === 'sign-in' ? 'Create one' : 'Sign in'}
        </button>
      </p>
    </form>
  );
}

function title(mode: Mode): string {
  return mode === 'sign-in' ? 'Sign in' : 'Create account';
}

function endedRemotelyMessage(reason: 'elsewhere' | 'expired' | 'reported' | 'two-factor'): string {
  switch (reason) {
    case 'reported':
      return 'A sign-in to your account was reported as not yours: every session has ended and your password must be reset. Use the link we emailed you.';
    case 'two-factor':
      return 'Two-factor authentication was turned on for your account, which signed out its other devices. Sign in again: after your password, it asks for a code from your authenticator app or a passkey.';
    case 'elsewhere':
      return 'You were signed out from another device. Sign in again.';
    case 'expired':
      return 'Your session expired. Sign in again.';
  }
}
