// A cap on ffmpeg processes that requests start (playback, timeline frames), so clients cannot exhaust processes or descriptors.

export class ProcessSlots {
  private used = 0;

  constructor(readonly max: number) {}

  /** Takes a slot, or undefined when all are in use; the returned release is safe to call twice. */
  tryTake(): (() => void) | undefined {
    if (this.used >= this.max) return undefined;
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
    };
  }

  get inUse(): number {
    return this.used;
  }
}

/** Shared by the HTTP server and the desktop's app:// handler: recordings are read by at most this many processes at once. */
export const requestSlots = new ProcessSlots(8);
