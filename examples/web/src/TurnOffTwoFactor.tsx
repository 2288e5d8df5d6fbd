import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { describeError } from './errors';
import type { SecondFactorMethod } from './gql/graphql';
import { codeToSend } from './second-factor';
import { SecondFactorFields } from './SecondFactorFields';
import { DISABLE_TWO_FACTOR } from './two-factor-operations';

/** "Turn off": a current code from the app (or a recovery code) in the same request, as the server asks. */
export function TurnOffTwoFactor({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const [method, setMethod] = useState<SecondFactorMethod>('TOTP');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // The returned account has two-factor off: the cache updates the card.
  const [disable, { loading }] = useMutation(DISABLE_TWO_FACTOR);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      await disable({ variables: { input: { method, code: codeToSend(method, code) } } });
      onDone();
    } catch (error) {
      setProblem(describeError(error));
      setCode('');
    }
  }

  return (
    <form
      className="stack"
      aria-label="Turn off two-factor authentication"
      onSubmit={(event) => void submit(event)}
    >
      <p>Signing in will need only your password again. Confirm with a code to turn it off.</p>
      <SecondFactorFields method={method} code={code} onMethod={setMethod} onCode={setCode} />
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="danger" disabled={loading || code.trim() === ''}>
          Turn off two-factor authentication
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
