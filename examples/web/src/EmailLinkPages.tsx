import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import {
  REPORT_UNRECOGNIZED_SIGN_IN,
  REQUEST_PASSWORD_RESET,
  RESET_PASSWORD,
  VERIFY_EMAIL,
} from './email-operations';
import { describeError } from './errors';
import { goTo } from './navigation';
import { ME } from './operations';
import { secondFactorRequired } from './second-factor';
import { SecondFactorStep } from './SecondFactorStep';

/** The secret of the link that opened this page; it never leaves the page but to the API. */
function linkToken(): string {
  return new URLSearchParams(window.location.search).get('token') ?? '';
}

function goHome(): void {
  goTo('/');
}

/** "Forgot password?": the answer is the same whether or not the address has an account. */
export function ForgotPasswordForm({ onDone }: { onDone: () => void }) {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [request, { loading }] = useMutation(REQUEST_PASSWORD_RESET);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await request({ variables: { input: { email } } });
    setSent(true);
  }

  return (
    <form className="card" aria-label="Reset password" onSubmit={(event) => void submit(event)}>
      <h2>Forgot password?</h2>
      {sent ? (
        <p role="status">If an account uses {email}, a reset link is on its way.</p>
      ) : (
        <>
          <label>
            Email
            <input
              type="email"
              name="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={loading}>
            Email me a reset link
          </button>
        </>
      )}
      <button type="button" className="link" onClick={onDone}>
        Back to sign in
      </button>
    </form>
  );
}

export function ResetPasswordPage() {
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // A two-factor account: nothing changes until a code completes the reset (the link is not spent yet).
  const [secondStep, setSecondStep] = useState(false);
  const [reset, { loading }] = useMutation(RESET_PASSWORD, {
    update: (cache, { data }) =>
      data && cache.writeQuery({ query: ME, data: { me: data.resetPassword.user } }),
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      await reset({ variables: { input: { token: linkToken(), newPassword: password } } });
      goHome();
    } catch (error) {
      if (secondFactorRequired(error)) setSecondStep(true);
      else setProblem(describeError(error));
    }
  }

  if (secondStep) return <SecondFactorStep onSignedIn={goHome} onStartOver={() => setSecondStep(false)} />;

  return (
    <form className="card" aria-label="Choose a new password" onSubmit={(event) => void submit(event)}>
      <h2>Choose a new password</h2>
      <p className="muted">Every device signed in to your account will be signed out.</p>
      <label>
        New password
        <input
          type="password"
          name="new-password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <button type="submit" className="primary" disabled={loading}>
        Set password and sign in
      </button>
    </form>
  );
}

/** /verify-email and /not-me: one button that spends the link, then what happened. */
export function LinkActionPage({ kind }: { kind: 'verify' | 'not-me' }) {
  const [verify, verifying] = useMutation(VERIFY_EMAIL);
  const [report, reporting] = useMutation(REPORT_UNRECOGNIZED_SIGN_IN);
  const [outcome, setOutcome] = useState<{ done: boolean; text: string } | null>(null);
  const token = linkToken();

  async function act() {
    try {
      if (kind === 'verify') await verify({ variables: { token } });
      else await report({ variables: { token } });
      setOutcome({
        done: true,
        text:
          kind === 'verify'
            ? 'Your address is confirmed.'
            : 'Every session of your account has ended and your password no longer works. We have emailed you a link to choose a new one.',
      });
    } catch (error) {
      // A spent or expired link: said as a problem, not as a result.
      setOutcome({ done: false, text: describeError(error) });
    }
  }

  return (
    <section className="card">
      <h2>{kind === 'verify' ? 'Confirm your address' : "This wasn't me"}</h2>
      {outcome ? (
        <p role={outcome.done ? 'status' : 'alert'} className={outcome.done ? undefined : 'error'}>
          {outcome.text}
        </p>
      ) : (
        <button
          type="button"
          className="primary"
          disabled={verifying.loading || reporting.loading}
          onClick={() => void act()}
        >
          {kind === 'verify' ? 'Confirm my address' : 'Sign everyone out and lock my password'}
        </button>
      )}
      <button type="button" className="link" onClick={goHome}>
        Go to my account
      </button>
    </section>
  );
}
