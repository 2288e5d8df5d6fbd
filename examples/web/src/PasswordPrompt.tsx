import { useMutation, useReactiveVar } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { describeError } from './errors';
import { REAUTHENTICATE } from './operations';
import { passwordRequest } from './step-up';

/**
 * The password prompt of step-up: shown while an action waits (see
 * step-up-link.ts). A wrong password says so and keeps the dialog open; the
 * right one lets the action go through.
 */
export function PasswordPrompt() {
  const request = useReactiveVar(passwordRequest);
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [reauthenticate, { loading }] = useMutation(REAUTHENTICATE);
  if (!request) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      await reauthenticate({ variables: { input: { password } } });
      setPassword('');
      request!.confirmed();
    } catch (error) {
      setProblem(describeError(error));
    }
  }

  function cancel() {
    setPassword('');
    setProblem(null);
    request!.cancelled();
  }

  return (
    <div className="overlay">
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby="password-prompt-title"
        className="card dialog"
        onSubmit={(event) => void submit(event)}
      >
        <h2 id="password-prompt-title">Confirm your password</h2>
        <p className="muted">For your security, confirm it's you before this change to your account.</p>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            autoFocus
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <div className="row">
          <button type="button" onClick={cancel}>
            Cancel
          </button>
          <button type="submit" disabled={loading || password === ''}>
            Confirm
          </button>
        </div>
      </form>
    </div>
  );
}
