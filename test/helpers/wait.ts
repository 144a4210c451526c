// Waiting for a condition in tests: polled, bounded (the bound only stops a hang), with a message naming what was awaited.

/** Resolves with the first value `check` returns that is neither undefined nor false; rejects after timeoutMs. */
export function waitFor<T>(check: () => T | undefined | false, timeoutMs: number, what: string, everyMs = 200): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const v = check();
      if (v !== undefined && v !== false) {
        clearInterval(timer);
        resolve(v);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, everyMs);
  });
}

/** The same for a true/false condition. */
export function waitUntil(pred: () => boolean, timeoutMs: number, what: string, everyMs = 200): Promise<void> {
  return waitFor(() => (pred() ? true : undefined), timeoutMs, what, everyMs).then(() => undefined);
}
