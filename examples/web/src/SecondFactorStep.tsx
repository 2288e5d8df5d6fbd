import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { sessionEndedElsewhere } from './apollo';
import { describeError } from './errors';
import type { SecondFactorMethod } from './gql/graphql';
import { endedRemotely } from './live';
import { ME } from './operations';
import { challengeGone, codeToSend } from './second-factor';
import { SecondFactorFields } from './SecondFactorFields';
import { COMPLETE_SIGN_IN } from './two-factor-operations';

/**
 * The second step of a sign-in (password, provider or reset link) on an
 * account with two-factor on: a code completes the pending sign-in and the
 * page becomes the account. A wrong code says so and lets the person try
 * again; once the pending sign-in is gone (expired, used, too many wrong
 * codes) only starting over helps, so that is all it offers. The pending
 * sign-in is named by the API's HttpOnly challenge cookie, which the browser
 * sends with completeSignIn: the input leaves `challenge` out.
 */
export function SecondFactorStep(props: {
  /** After the account became `me` in the cache (the page switches to it on its own). */
  onSignedIn?: () => void;
  onStartOver: () => void;
}) {
  const [method, setMethod] = useState<SecondFactorMethod>('TOTP');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  const [complete, { loading }] = useMutation(COMPLETE_SIGN_IN, {
    update: (cache, { data }) =>
      data && cache.writeQuery({ query: ME, data: { me: data.completeSignIn.user } }),
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      await complete({
        variables: { input: { method, code: codeToSend(method, code) } },
      });
      sessionEndedElsewhere(false);
      endedRemotely(null);
      props.onSignedIn?.();
    } catch (error) {
      setProblem(describeError(error));
      setGone(challengeGone(error));
      setCode('');
    }
  }

  return (
    <form className="card" aria-label="Two-factor authentication" onSubmit={(event) => void submit(event)}>
      <h2>Two-factor authentication</h2>
      {!gone && (
        <>
          <p className="muted">
            {method === 'TOTP'
              ? 'Enter the 6-digit code your authenticator app shows for this account.'
              : 'Enter one of the recovery codes you saved when you turned on two-factor authentication. Each works once.'}
          </p>
          <SecondFactorFields method={method} code={code} onMethod={setMethod} onCode={setCode} />
        </>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {gone ? (
        <button type="button" className="primary" onClick={props.onStartOver}>
          Start over
        </button>
      ) : (
        <>
          <button type="submit" className="primary" disabled={loading || code.trim() === ''}>
            Verify
          </button>
          <button type="button" className="link" onClick={props.onStartOver}>
            Cancel
          </button>
        </>
      )}
    </form>
  );
}
