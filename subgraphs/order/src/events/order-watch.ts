/**
 * What a mutation waits with (placeOrder, cancellations): the changes of one order heard since its
 * watch began (order-signals.ts delivers them), and a bounded wait that re-checks on each change.
 */

/** Waiters re-check at least this often, so a lost connection or NOTIFY costs latency, not an answer. */
const RECHECK_MS = 500;

/** The changes of one order heard since the watch began; `stop` ends it. */
export class OrderWatch {
  private heard = false;
  private wakeUp: (() => void) | null = null;
  stop: () => void = () => {};

  changed(): void {
    this.heard = true;
    this.wakeUp?.();
  }

  /**
   * Runs `check` (at once when `checkFirst`, else after the first change or RECHECK_MS) until it
   * gives a value, again after each change and at least every RECHECK_MS; null past `timeoutMs`.
   */
  async until<T>(timeoutMs: number, check: () => Promise<T | null>, options: { checkFirst: boolean }): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    let checkNow = options.checkFirst || this.heard;
    for (;;) {
      if (checkNow) {
        this.heard = false;
        const value = await check();
        if (value !== null) return value;
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      if (!this.heard) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(
            () => {
              this.wakeUp = null;
              resolve();
            },
            Math.min(left, RECHECK_MS),
          );
          this.wakeUp = () => {
            clearTimeout(timer);
            this.wakeUp = null;
            resolve();
          };
        });
      }
      checkNow = true;
    }
  }
}
