import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { sessionEndedElsewhere } from './apollo';
import type { CompleteSignInInput, SecondFactorMethod } from './gql/graphql';
import { endedRemotely } from './live';
import { ME } from './operations';
import { describePasskeyError, passkeysSupported, usePasskeyPrompt } from './passkey';
import { Problem } from './Problem';
import { challengeGone, codeToSend } from './second-factor';
import { SecondFactorFields } from './SecondFactorFields';
import { COMPLETE_SIGN_IN } from './two-factor-operations';

/**
 * The second step of a sign-in (password, provider or reset link) on an
 * account with two-factor on: a code or a passkey completes the pending
 * sign-in and the page becomes the account. A wrong code says so and lets the
 * person try again; once the pending sign-in is gone (expired, used, too many
 * wrong codes) only starting over helps, so that is all it offers. The pending
 * sign-in is named by the API's HttpOnly challenge cookie, which the browser
 * sends with completeSignIn: the input leaves `challenge` out.
 */
export function SecondFactorStep(props: {
  /**
   * What completes it (SECOND_FACTOR_REQUIRED's `methods`). Unknown after a
   * provider's redirect to /two-factor: then every kind is offered, and the
   * API refuses what the account does not have.
   */
  methods?: readonly SecondFactorMethod[];
  /** SECOND_FACTOR_REQUIRED's `passkeyOptions`: the account's passkeys, for the browser to offer. */
  passkeyOptions?: string;
  /** After the account became `me` in the cache (the page switches to it on its own). */
  onSignedIn?: () => void;
  onStartOver: () => void;
}) {
  const offersApp = props.methods?.includes('TOTP') ?? true;
  const offersPasskey = passkeysSupported && (props.methods?.includes('PASSKEY') ?? true);
  const [method, setMethod] = useState<SecondFactorMethod>(
    offersApp ? 'TOTP' : offersPasskey ? 'PASSKEY' : 'RECOVERY_CODE',
  );
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  const passkey = usePasskeyPrompt(props.passkeyOptions);
  const [complete, { loading }] = useMutation(COMPLETE_SIGN_IN, {
    update: (cache, { data }) =>
      data && cache.writeQuery({ query: ME, data: { me: data.completeSignIn.user } }),
  });
  const busy = loading || passkey.busy;

  async function finish(input: () => Promise<CompleteSignInInput>) {
    setProblem(null);
    try {
      await complete({ variables: { input: await input() } });
      sessionEndedElsewhere(false);
      endedRemotely(null);
      props.onSignedIn?.();
    } catch (error) {
      setProblem(describePasskeyError(error));
      setGone(challengeGone(error));
      setCode('');
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void finish(() => Promise.resolve({ method, code: codeToSend(method, code) }));
  }

  const withPasskey = () =>
    void finish(async () => ({ method: 'PASSKEY', responseJson: await passkey.prompt() }));

  return (
    <form className="card" aria-label="Two-factor authentication" onSubmit={submit}>
      <h2>Two-factor authentication</h2>
      {!gone &&
        (method === 'PASSKEY' ? (
          <p className="muted">
            Use the passkey you saved for this account: on this device, your phone or a security key.
          </p>
        ) : (
          <>
            <p className="muted">
              {method === 'TOTP'
                ? 'Enter the 6-digit code your authenticator app shows for this account.'
                : 'Enter one of the recovery codes you saved when you turned on two-factor authentication. Each works once.'}
            </p>
            <SecondFactorFields
              method={method}
              code={code}
              onMethod={setMethod}
              onCode={setCode}
              canUseApp={offersApp}
            />
          </>
        ))}
      <Problem text={problem} />
      {gone ? (
        <button type="button" className="primary" onClick={props.onStartOver}>
          Start over
        </button>
      ) : method === 'PASSKEY' ? (
        <>
          <button type="button" className="primary" disabled={busy} onClick={withPasskey}>
            Use a passkey
          </button>
          {offersApp && (
            <button type="button" className="link" onClick={() => setMethod('TOTP')}>
              Use your authenticator app instead
            </button>
          )}
          <button type="button" className="link" onClick={() => setMethod('RECOVERY_CODE')}>
            Use a recovery code instead
          </button>
          <button type="button" className="link" onClick={props.onStartOver}>
            Cancel
          </button>
        </>
      ) : (
        <>
          <button type="submit" className="primary" disabled={busy || code.trim() === ''}>
            Verify
          </button>
          {offersPasskey && (
            <button type="button" disabled={busy} onClick={withPasskey}>
              Use a passkey
            </button>
          )}
          <button type="button" className="link" onClick={props.onStartOver}>
            Cancel
          </button>
        </>
      )}
    </form>
  );
}
