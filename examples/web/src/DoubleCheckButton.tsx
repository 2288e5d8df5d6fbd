import { type ReactNode, useState } from 'react';

/**
 * A destructive action that needs two clicks: the first turns the button into
 * "Are you sure?", the second acts. Moving focus away (or Escape) disarms it.
 */
export function DoubleCheckButton(props: { children: ReactNode; onConfirm: () => void; disabled?: boolean }) {
  const [armed, setArmed] = useState(false);

  return (
    <button
      type="button"
      className={armed ? 'danger armed' : 'danger'}
      disabled={props.disabled}
      onClick={() => {
        if (!armed) {
          setArmed(true);
          return;
        }
        setArmed(false);
        props.onConfirm();
      }}
      onBlur={() => setArmed(false)}
      onKeyDown={(event) => event.key === 'Escape' && setArmed(false)}
    >
      {armed ? 'Are you sure?' : props.children}
    </button>
  );
}
