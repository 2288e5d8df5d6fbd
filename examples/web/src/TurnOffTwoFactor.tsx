import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import type { SecondFactorInput, SecondFactorMethod } from './gql/graphql';
import { describePasskeyError, passkeysSupported, usePasskeyPrompt } from './passkey';
import { codeToSend } from './second-factor';
import { SecondFactorFields } from './SecondFactorFields';
import { DISABLE_TWO_FACTOR } from './two-factor-operations';

/**
 * "Turn off": a current code from the app (or a recovery code, or one of the
 * account's passkeys) in the same request, as the server asks.
 */
export function TurnOffTwoFactor(props: { hasPasskeys: boolean; onDone: () => void; onCancel: () => void }) {
  const { onDone, onCancel } = props;
  const [method, setMethod] = useState<SecondFactorMethod>('TOTP');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // The returned account has two-factor off: the cache updates the card.
  const [disable, { loading }] = useMutation(DISABLE_TWO_FACTOR);
  const passkey = usePasskeyPrompt();

  async function turnOff(input: () => Promise<SecondFactorInput>) {
    setProblem(null);
    try {
      await disable({ variables: { input: await input() } });
      onDone();
    } catch (error) {
      setProblem(describePasskeyError(error));
      setCode('');
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void turnOff(() => Promise.resolve({ method, code: codeToSend(method, code) }));
  }

  return (
    <form className="stack" aria-label="Turn off two-factor authentication" onSubmit={submit}>
      <p>Signing in will need only your password again. Confirm with a code to turn it off.</p>
      <SecondFactorFields method={method} code={code} onMethod={setMethod} onCode={setCode} />
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="danger" disabled={loading || passkey.busy || code.trim() === ''}>
          Turn off two-factor authentication
        </button>
        {props.hasPasskeys && passkeysSupported && (
          <button
            type="button"
            disabled={loading || passkey.busy}
            onClick={() =>
              void turnOff(async () => ({ method: 'PASSKEY', responseJson: await passkey.prompt() }))
            }
          >
            Turn off with a passkey
          </button>
        )}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
