/** Keeps a subscription's events in memory and waits for the one you expect (tests, the simulator's counts). */
import type { OperationNameOf, ResultOf, VariablesOf } from '../../operations/index.js';
import { SubscriptionRefused, type Api } from './api.js';

export interface EventRecorder<T> {
  /** Data of every event so far, oldest first. */
  readonly events: T[];
  /** Set when the gateway refused the subscription (e.g. a field it does not serve yet). */
  readonly refused: SubscriptionRefused | null;
  /** Set when the socket failed or an event carried errors. */
  readonly error: Error | null;
  /** Resolves with the first event (past or future) that `matches`; rejects on refusal, error or timeout. */
  waitFor(matches: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Ends the subscription. */
  stop(): Promise<void>;
}

/** Records the events of the subscription file `operationName`: their data is typed from the file. */
export function recordEvents<N extends OperationNameOf<'subscription'>>(api: Api, operationName: N, variables = {} as VariablesOf<N>): EventRecorder<ResultOf<N>> {
  type T = ResultOf<N>;
  const events: T[] = [];
  const waiters = new Set<() => void>();
  const stop = new AbortController();
  const state: { refused: SubscriptionRefused | null; error: Error | null } = { refused: null, error: null };
  const wake = () => waiters.forEach((w) => w());
  const done = api
    .subscribe(
      operationName,
      variables,
      (event) => {
        if ('data' in event) events.push(event.data);
        else state.error = new Error(`${operationName}: ${event.errors.map((e) => e.message).join('; ')}`);
        wake();
      },
      stop.signal,
    )
    .catch((error) => {
      if (error instanceof SubscriptionRefused) state.refused = error;
      else state.error = error as Error;
    })
    .finally(wake);

  return {
    events,
    get refused() {
      return state.refused;
    },
    get error() {
      return state.error;
    },
    waitFor(matches, timeoutMs = 10_000) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = events.find(matches);
          if (found !== undefined) finish(() => resolve(found));
          else if (state.refused ?? state.error) finish(() => reject(state.refused ?? state.error));
        };
        const finish = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${operationName}: no matching event within ${timeoutMs} ms (${events.length} other events)`))), timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      stop.abort();
      await done;
    },
  };
}
