import { useMutation } from '@apollo/client/react';
import { type FormEvent, useMemo, useState } from 'react';
import { describeError } from './errors';
import type { StartTotpEnrollmentMutation } from './gql/graphql';
import { CONFIRM_TOTP_ENROLLMENT } from './two-factor-operations';

/**
 * Adding the authenticator app: its QR code (or the key, typed by hand), then
 * one code from the app to show it works. Two-factor is on only once that code
 * is accepted.
 */
export function TotpSetup(props: {
  enrollment: StartTotpEnrollmentMutation['startTotpEnrollment'];
  onEnabled: (result: { recoveryCodes: readonly string[]; signedOutCount: number }) => void;
  onCancel: () => void;
}) {
  const { secret, qrCodeSvg } = props.enrollment;
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // The returned user has two-factor on and the other sessions gone: the cache updates the page.
  const [confirm, { loading }] = useMutation(CONFIRM_TOTP_ENROLLMENT);
  // An <img> of the server's SVG: shown as a picture, never parsed into this page's DOM.
  const qrCode = useMemo(
    () => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrCodeSvg)}`,
    [qrCodeSvg],
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      const { data } = await confirm({ variables: { code: code.replace(/\s/g, '') } });
      if (data) props.onEnabled(data.confirmTotpEnrollment);
    } catch (error) {
      setProblem(describeError(error));
      setCode('');
    }
  }

  return (
    <form className="stack" aria-label="Set up an authenticator app" onSubmit={(event) => void submit(event)}>
      <p>Scan this QR code with your authenticator app (Google Authenticator, 1Password, Authy…).</p>
      <img
        className="qr-code"
        src={qrCode}
        alt="QR code for your authenticator app"
        width={192}
        height={192}
      />
      <p className="muted">
        Can't scan it? Enter this key in the app instead:{' '}
        <code className="secret" data-testid="totp-secret">
          {groupsOfFour(secret)}
        </code>
      </p>
      <label>
        Code from the app
        <input
          name="code"
          autoComplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9 ]*"
          required
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
      </label>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={loading || code.trim() === ''}>
          Turn on
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** "JBSW Y3DP EHPK 3PXP": easier to copy by eye; apps ignore the spaces. */
function groupsOfFour(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}
