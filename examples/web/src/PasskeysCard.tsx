import { useApolloClient, useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { DoubleCheckButton } from './DoubleCheckButton';
import type { AccountFieldsFragment, PasskeyFieldsFragment } from './gql/graphql';
import { providerSignInUrl } from './identity-providers';
import { ME } from './operations';
import { createPasskey, describePasskeyError, passkeysSupported } from './passkey';
import {
  FINISH_PASSKEY_REGISTRATION,
  REMOVE_PASSKEY,
  RENAME_PASSKEY,
  START_PASSKEY_REGISTRATION,
} from './passkey-operations';
import { Problem } from './Problem';
import { RecoveryCodes } from './RecoveryCodes';
import { needsProviderStepUp } from './step-up';
import { REGENERATE_RECOVERY_CODES } from './two-factor-operations';

/**
 * "Passkeys": the account's passkeys (name, when added and last used, whether
 * synced between devices), add one, rename one, remove one. Adding needs a
 * fresh proof of identity and removing the sudo window: step-up asks for it
 * (step-up-link.ts), the passkey itself included. The account's first second
 * factor turns two-factor on; an account with no recovery codes is told to
 * save some, as losing every passkey would otherwise lock it out.
 */
export function PasskeysCard({ account }: { account: AccountFieldsFragment }) {
  const client = useApolloClient();
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  // Shown once, right after the server made them: it keeps only their hashes.
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmAtProvider, setConfirmAtProvider] = useState(false);
  const provider = account.identities.find(
    (identity) =>
      identity.provider.id === account.sessions.find((session) => session.current)?.identityProvider,
  )?.provider;
  const [start] = useMutation(START_PASSKEY_REGISTRATION);
  const [finish] = useMutation(FINISH_PASSKEY_REGISTRATION);
  // The returned account has one passkey fewer (and two-factor off, if it was the last factor).
  const [remove, removing] = useMutation(REMOVE_PASSKEY);
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
    setBusy(true);
    try {
      await action();
    } catch (error) {
      setProblem(describePasskeyError(error));
      setConfirmAtProvider(needsProviderStepUp(error));
    } finally {
      setBusy(false);
    }
  }

  function add(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const { data } = await start();
      if (!data) return;
      const responseJson = await createPasskey(data.startPasskeyRegistration.optionsJson);
      await finish({ variables: { input: { responseJson, name: name.trim() || null } } });
      // finishPasskeyRegistration answers with the passkey alone, yet the account changed more:
      // its list, perhaps two-factor (the first second factor turns it on) and its other sessions
      // (which that signs out). One read of `me` brings all of it into the cache.
      const { data: after } = await client.query({ query: ME, fetchPolicy: 'network-only' });
      setAdding(false);
      setName('');
      const signedOut = account.activeSessionCount - (after?.me?.activeSessionCount ?? 0);
      setNotice(
        !account.twoFactorEnabled && after?.me?.twoFactorEnabled
          ? `Passkey added. Two-factor authentication is on: a sign-in with your password or a provider now also asks for a passkey.${
              signedOut > 0
                ? ` ${signedOut} other ${signedOut === 1 ? 'session was' : 'sessions were'} signed out.`
                : ''
            }`
          : 'Passkey added.',
      );
    });
  }

  return (
    <section className="card stack" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
      ) : (
        <>
          <p className="muted">
            A passkey signs you in with your fingerprint, face or device PIN, with no password to type or
            steal. It also serves as the second step after a password.
          </p>
          {account.passkeys.length > 0 && (
            <ul className="sessions" aria-label="Your passkeys">
              {account.passkeys.map((passkey) => (
                <PasskeyItem
                  key={passkey.id}
                  passkey={passkey}
                  removing={removing.loading}
                  onRemove={() =>
                    void run(async () => {
                      await remove({ variables: { id: passkey.id } });
                      setNotice(`“${passkey.name}” was removed.`);
                    })
                  }
                  onProblem={setProblem}
                />
              ))}
            </ul>
          )}
          {account.twoFactorEnabled &&
            account.recoveryCodesRemaining === 0 &&
            account.passkeys.length > 0 && (
              <div className="notice stack" data-testid="no-recovery-codes">
                <p>
                  You have no recovery codes. Save some, so that losing your passkeys does not lock you out.
                </p>
                <button
                  type="button"
                  disabled={regenerating.loading}
                  onClick={() =>
                    void run(async () => {
                      const { data } = await regenerate();
                      if (data) setCodes(data.regenerateRecoveryCodes);
                    })
                  }
                >
                  Get recovery codes
                </button>
              </div>
            )}
          {!passkeysSupported ? (
            <p className="muted">This browser cannot use passkeys.</p>
          ) : adding ? (
            <form className="stack" aria-label="Add a passkey" onSubmit={add}>
              <label>
                Name for this passkey
                <input
                  name="passkey-name"
                  placeholder="e.g. Work laptop"
                  maxLength={64}
                  autoFocus
                  value={name}
                  onChange={(event) => setName(event.target.value)}
                />
              </label>
              <div className="actions">
                <button type="submit" className="primary" disabled={busy}>
                  Create passkey
                </button>
                <button type="button" onClick={() => setAdding(false)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <button
              type="button"
              className={account.passkeys.length === 0 ? 'primary' : undefined}
              onClick={() => {
                setProblem(null);
                setNotice(null);
                setAdding(true);
              }}
            >
              Add a passkey
            </button>
          )}
        </>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <Problem text={problem} />
      {confirmAtProvider && provider && (
        <a className="button" href={providerSignInUrl(provider.id, { reauthenticate: true })}>
          Confirm with {provider.name}
        </a>
      )}
    </section>
  );
}

/** One passkey: its name (renamed in place), when it was added and last used, and Remove. */
function PasskeyItem(props: {
  passkey: PasskeyFieldsFragment;
  removing: boolean;
  onRemove: () => void;
  onProblem: (problem: string | null) => void;
}) {
  const { passkey } = props;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(passkey.name);
  // The returned Passkey has the new name: the cache updates the list by its id.
  const [rename, { loading }] = useMutation(RENAME_PASSKEY);

  async function save(event: FormEvent) {
    event.preventDefault();
    props.onProblem(null);
    try {
      await rename({ variables: { id: passkey.id, name: name.trim() } });
      setRenaming(false);
    } catch (error) {
      props.onProblem(describePasskeyError(error));
    }
  }

  return (
    <li data-testid="passkey">
      {renaming ? (
        <form
          className="actions"
          aria-label={`Rename ${passkey.name}`}
          onSubmit={(event) => void save(event)}
        >
          <label>
            New name
            <input
              name="name"
              required
              maxLength={64}
              autoFocus
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={loading || name.trim() === ''}>
            Save
          </button>
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <div>
            <strong data-testid="passkey-name">{passkey.name}</strong>
            {passkey.synced && <span className="badge">Synced</span>}
            <p className="muted">
              Added {when(passkey.createdAt)} ·{' '}
              {passkey.lastUsedAt ? `Last used ${when(passkey.lastUsedAt)}` : 'Not used yet'}
            </p>
          </div>
          <div className="actions">
            <button
              type="button"
              onClick={() => {
                setName(passkey.name);
                setRenaming(true);
              }}
            >
              Rename
            </button>
            <DoubleCheckButton disabled={props.removing} onConfirm={props.onRemove}>
              Remove
            </DoubleCheckButton>
          </div>
        </>
      )}
    </li>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function when(iso: string): string {
  return dateTime.format(new Date(iso));
}
