import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { describeError } from './errors';
import type { AccountFieldsFragment } from './gql/graphql';
import { providerSignInUrl, takeProviderOutcome } from './identity-providers';
import { IDENTITY_PROVIDERS, UNLINK_IDENTITY } from './operations';
import { askForPassword } from './step-up';

/** The providers linked to the account, "Unlink" for each, and "Link" for the others. */
export function LinkedIdentities({ account }: { account: AccountFieldsFragment }) {
  const { data } = useQuery(IDENTITY_PROVIDERS);
  const [unlink, unlinking] = useMutation(UNLINK_IDENTITY);
  const [outcome] = useState(takeProviderOutcome);
  const [problem, setProblem] = useState<string | null>(outcome.problem);
  const linkedIds = new Set(account.identities.map((identity) => identity.provider.id));
  const unlinked = (data?.identityProviders ?? []).filter((provider) => !linkedIds.has(provider.id));
  if (account.identities.length === 0 && unlinked.length === 0) return null;

  return (
    <section className="card">
      <h2>Sign-in methods</h2>
      <p className="muted">
        {account.hasPassword ? 'Password: set' : 'No password: you sign in with a provider'}
      </p>
      <ul className="sessions">
        {account.identities.map((identity) => (
          <li key={identity.id} data-testid="identity">
            <div>
              <strong>{identity.provider.name}</strong>
              <p className="muted">{identity.email ?? 'No email shared'}</p>
            </div>
            <button
              type="button"
              disabled={unlinking.loading}
              onClick={() => {
                setProblem(null);
                unlink({ variables: { id: identity.id } }).catch((error: unknown) =>
                  setProblem(describeError(error)),
                );
              }}
            >
              Unlink
            </button>
          </li>
        ))}
      </ul>
      {unlinked.map((provider) => (
        <a
          key={provider.id}
          className="button"
          href={providerSignInUrl(provider.id, { link: true })}
          onClick={(event) => {
            // Adding a way in needs a fresh proof: the password first, then the provider.
            // A password-less account proves itself at a linked provider (the server says so).
            if (!account.hasPassword) return;
            event.preventDefault();
            const target = event.currentTarget.href;
            askForPassword().then(
              () => window.location.assign(target),
              () => undefined,
            );
          }}
        >
          Link {provider.name}
        </a>
      ))}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </section>
  );
}
