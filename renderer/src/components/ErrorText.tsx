// Errors shown where they happened, in words a person understands.
import type { CallError } from '../lib/api.js';

export function ErrorText({ error }: { error: CallError | Error | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error.message}
    </p>
  );
}
