import { useMutation, useReactiveVar } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import type { SecondFactorMethod } from './gql/graphql';
import { REAUTHENTICATE } from './operations';
import { describePasskeyError, passkeysSupported, usePasskeyPrompt } from './passkey';
import { Problem } from './Problem';
import { codeToSend } from './second-factor';
import { SecondFactorFields } from './SecondFactorFields';
import { passwordRequest, type PasswordRequest } from './step-up';
import { REAUTHENTICATE_WITH_SECOND_FACTOR } from './two-factor-operations';

/**
 * The prompt of step-up: shown while an action waits (see step-up-link.ts).
 * A wrong password (or code) says so and keeps the dialog open; the right one
 * lets the action go through. An account with a passkey may use it instead: a
 * button, no field, as the browser's own prompt asks for the rest.
 */
export function PasswordPrompt() {
  const request = useReactiveVar(passwordRequest);
  // A new request starts from its own first method, with nothing typed.
  return request ? <StepUpDialog key={request.methods.join()} request={request} /> : null;
}

function StepUpDialog({ request }: { request: PasswordRequest }) {
  const canUsePassword = request.methods.includes('PASSWORD');
  const canUseApp = request.methods.includes('TOTP');
  const canUsePasskey = passkeysSupported && request.methods.includes('PASSKEY');
  const [method, setMethod] = useState<'PASSWORD' | SecondFactorMethod>(
    canUsePassword ? 'PASSWORD' : canUseApp ? 'TOTP' : 'PASSKEY',
  );
  const [secret, setSecret] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [reauthenticate, withPassword] = useMutation(REAUTHENTICATE);
  const [reauthenticateWithCode, withCode] = useMutation(REAUTHENTICATE_WITH_SECOND_FACTOR);
  const passkey = usePasskeyPrompt(request.passkeyOptions);
  const loading = withPassword.loading || withCode.loading || passkey.busy;

  async function confirm(proof: () => Promise<unknown>) {
    setProblem(null);
    try {
      await proof();
      setSecret('');
      request.confirmed();
    } catch (error) {
      setProblem(describePasskeyError(error));
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void confirm(() =>
      method === 'PASSWORD'
        ? reauthenticate({ variables: { input: { password: secret } } })
        : reauthenticateWithCode({ variables: { input: { method, code: codeToSend(method, secret) } } }),
    );
  }

  const withPasskey = () =>
    void confirm(async () =>
      reauthenticateWithCode({
        variables: { input: { method: 'PASSKEY', responseJson: await passkey.prompt() } },
      }),
    );

  function switchTo(next: 'PASSWORD' | SecondFactorMethod) {
    setSecret('');
    setProblem(null);
    setMethod(next);
  }

  return (
    <div className="overlay">
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby="password-prompt-title"
        className="card dialog"
        onSubmit={submit}
      >
        <h2 id="password-prompt-title">
          {method === 'PASSWORD'
            ? 'Confirm your password'
            : method === 'PASSKEY'
              ? 'Confirm with a passkey'
              : 'Confirm with a code'}
        </h2>
        <p className="muted">For your security, confirm it's you before this change to your account.</p>
        {method === 'PASSKEY' ? null : method === 'PASSWORD' ? (
          <label>
            Password
            <input
              type="password"
              autoComplete="current-password"
              autoFocus
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
            />
          </label>
        ) : (
          <SecondFactorFields method={method} code={secret} onMethod={switchTo} onCode={setSecret} />
        )}
        {method === 'PASSWORD' && canUseApp && (
          <button type="button" className="link" onClick={() => switchTo('TOTP')}>
            Use your authenticator app instead
          </button>
        )}
        {method !== 'PASSWORD' && canUsePassword && (
          <button type="button" className="link" onClick={() => switchTo('PASSWORD')}>
            Use your password instead
          </button>
        )}
        {method === 'PASSKEY' && canUseApp && (
          <button type="button" className="link" onClick={() => switchTo('TOTP')}>
            Use your authenticator app instead
          </button>
        )}
        <Problem text={problem} />
        <div className="row">
          <button type="button" onClick={request.cancelled}>
            Cancel
          </button>
          {canUsePasskey && (
            <button type="button" disabled={loading} onClick={withPasskey}>
              Use a passkey
            </button>
          )}
          {method !== 'PASSKEY' && (
            <button type="submit" disabled={loading || secret === ''}>
              Confirm
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
