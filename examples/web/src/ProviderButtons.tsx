import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { providerSignInUrl, takeProviderOutcome } from './identity-providers';
import { IDENTITY_PROVIDERS } from './operations';

/** "Sign in with <provider>" for each provider the server is configured with; nothing when none. */
export function ProviderButtons() {
  const { data } = useQuery(IDENTITY_PROVIDERS);
  const [{ problem }] = useState(takeProviderOutcome);
  const providers = data?.identityProviders ?? [];
  if (providers.length === 0 && !problem) return null;
  return (
    <div className="providers">
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {providers.map((provider) => (
        <a key={provider.id} className="button" href={providerSignInUrl(provider.id)}>
          Sign in with {provider.name}
        </a>
      ))}
    </div>
  );
}
