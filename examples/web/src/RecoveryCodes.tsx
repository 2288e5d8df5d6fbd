import { useMemo, useState } from 'react';

/**
 * The recovery codes, shown this once (the server keeps only their hashes):
 * copy them, download them as a text file, then say they are saved.
 */
export function RecoveryCodes({ codes, onDone }: { codes: readonly string[]; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const text = codes.join('\n') + '\n';
  const download = useMemo(() => `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`, [text]);

  function copy() {
    navigator.clipboard.writeText(text).then(
      () => setCopied('Copied.'),
      () => setCopied('Copying was not allowed: select the codes and copy them, or download them.'),
    );
  }

  return (
    <div className="stack">
      <p>
        <strong>Save your recovery codes.</strong> Each one signs you in once if you lose your phone. They are
        shown only now.
      </p>
      <ol className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" onClick={copy}>
          Copy
        </button>
        <a className="button" href={download} download="recovery-codes.txt">
          Download
        </a>
        <button type="button" className="primary" onClick={onDone}>
          I have saved them
        </button>
      </div>
      {copied && (
        <p role="status" className="muted">
          {copied}
        </p>
      )}
    </div>
  );
}
