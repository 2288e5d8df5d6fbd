import { PASSKEY_CANCELLED } from './passkey';

/**
 * What went wrong, under a form: a refusal in red (an alert); a passkey prompt
 * the person closed in plain words (a status), since nothing went wrong.
 */
export function Problem({ text }: { text: string | null }) {
  if (!text) return null;
  const calm = text === PASSKEY_CANCELLED;
  return (
    <p role={calm ? 'status' : 'alert'} className={calm ? 'muted' : 'error'}>
      {text}
    </p>
  );
}
