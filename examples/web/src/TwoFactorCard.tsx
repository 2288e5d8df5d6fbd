import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { DoubleCheckButton } from './DoubleCheckButton';
import { describeError } from './errors';
import type { AccountFieldsFragment, StartTotpEnrollmentMutation } from './gql/graphql';
import { providerSignInUrl } from './identity-providers';
import { RecoveryCodes } from './RecoveryCodes';
import { needsProviderStepUp } from './step-up';
import { TotpSetup } from './TotpSetup';
import { TurnOffTwoFactor } from './TurnOffTwoFactor';
import { REGENERATE_RECOVERY_CODES, START_TOTP_ENROLLMENT } from './two-factor-operations';

type Enrollment = StartTotpEnrollmentMutation['startTotpEnrollment'];

/**
 * "Two-factor authentication": set up an authenticator app, see the recovery
 * codes once, get new ones, turn it off. Every step that needs a fresh proof
 * of identity asks for the password through step-up (step-up-link.ts).
 */
export function TwoFactorCard({ account }: { account: AccountFieldsFragment }) {
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  // Shown once, right after the server made them: it keeps only their hashes.
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const [turningOff, setTurningOff] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmAtProvider, setConfirmAtProvider] = useState(false);
  const provider = account.identities.find(
    (identity) =>
      identity.provider.id === account.sessions.find((session) => session.current)?.identityProvider,
  )?.provider;
  const [start, starting] = useMutation(START_TOTP_ENROLLMENT);
  const [regenerate, regenerating] = useMutation(REGENERATE_RECOVERY_CODES, {
    update: (cache, { data }) =>
      data &&
      cache.modify({
        id: cache.identify(account),
        fields: { recoveryCodesRemaining: () => data.regenerateRecoveryCodes.length },
      }),
  });

  async function run(action: () => Promise<void>) {
    setProblem(null);
    setNotice(null);
    setConfirmAtProvider(false);
    try {
      await action();
    } catch (error) {
      setProblem(describeError(error));
      setConfirmAtProvider(needsProviderStepUp(error));
    }
  }

  return (
    <section className="card stack" aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">Two-factor authentication</h2>
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
      ) : enrollment ? (
        <TotpSetup
          enrollment={enrollment}
          onEnabled={({ recoveryCodes, signedOutCount }) => {
            setEnrollment(null);
            setCodes(recoveryCodes);
            setNotice(
              signedOutCount > 0
                ? `Two-factor authentication is on. ${signedOutCount} other ${signedOutCount === 1 ? 'session was' : 'sessions were'} signed out: they need a code to sign in again.`
                : 'Two-factor authentication is on.',
            );
          }}
          onCancel={() => setEnrollment(null)}
        />
      ) : turningOff ? (
        <TurnOffTwoFactor
          onDone={() => {
            setTurningOff(false);
            setNotice('Two-factor authentication is off.');
          }}
          onCancel={() => setTurningOff(false)}
        />
      ) : account.twoFactorEnabled ? (
        <div className="stack">
          <p data-testid="two-factor-status">
            <strong>On.</strong>{' '}
            {account.passkeys.length > 0
              ? 'Signing in with a password or a provider also needs a passkey (or a code from your authenticator app, if you set one up).'
              : 'Signing in needs a code from your authenticator app.'}
          </p>
          <p className="muted" data-testid="recovery-codes-remaining">
            {account.recoveryCodesRemaining}{' '}
            {account.recoveryCodesRemaining === 1 ? 'recovery code' : 'recovery codes'} left
          </p>
          <div className="actions">
            <DoubleCheckButton
              disabled={regenerating.loading}
              onConfirm={() =>
                void run(async () => {
                  const { data } = await regenerate();
                  if (data) setCodes(data.regenerateRecoveryCodes);
                })
              }
            >
              Get new recovery codes
            </DoubleCheckButton>
            {/* The API refuses to turn it off while passkeys remain: they would be a second factor
                with no recovery codes behind them. Removing the last one turns it off. */}
            {account.passkeys.length === 0 && (
              <button type="button" onClick={() => setTurningOff(true)}>
                Turn off
              </button>
            )}
          </div>
          {account.passkeys.length > 0 && <p className="muted">To turn it off, remove your passkeys.</p>}
        </div>
      ) : (
        <div className="stack">
          <p data-testid="two-factor-status">
            <strong>Off.</strong> Add an authenticator app, so a stolen password alone cannot sign in.
          </p>
          <button
            type="button"
            className="primary"
            disabled={starting.loading}
            onClick={() =>
              void run(async () => {
                const { data } = await start();
                if (data) setEnrollment(data.startTotpEnrollment);
              })
            }
          >
            Set up an authenticator app
          </button>
        </div>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {confirmAtProvider && provider && (
        <a className="button" href={providerSignInUrl(provider.id, { reauthenticate: true })}>
          Confirm with {provider.name}
        </a>
      )}
    </section>
  );
}
