import type { SecondFactorMethod } from './gql/graphql';

/**
 * The code field of a second factor, and the switch between the two kinds:
 * six digits from the authenticator app, or one of the recovery codes (for a
 * lost phone). Used by the sign-in's second step and by "Turn off". An account
 * whose second factor is a passkey has no app to switch back to.
 */
export function SecondFactorFields(props: {
  method: SecondFactorMethod;
  code: string;
  onMethod: (method: SecondFactorMethod) => void;
  onCode: (code: string) => void;
  canUseApp?: boolean;
}) {
  const totp = props.method === 'TOTP';
  const canSwitch = totp || props.canUseApp !== false;
  return (
    <>
      <label>
        {totp ? 'Code from your authenticator app' : 'Recovery code'}
        <input
          name="code"
          autoComplete="one-time-code"
          inputMode={totp ? 'numeric' : 'text'}
          pattern={totp ? '[0-9 ]*' : undefined}
          required
          autoFocus
          value={props.code}
          onChange={(event) => props.onCode(event.target.value)}
        />
      </label>
      {canSwitch && (
        <button
          type="button"
          className="link"
          onClick={() => {
            props.onCode('');
            props.onMethod(totp ? 'RECOVERY_CODE' : 'TOTP');
          }}
        >
          {totp ? 'Use a recovery code instead' : 'Use your authenticator app instead'}
        </button>
      )}
    </>
  );
}
