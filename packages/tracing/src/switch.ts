/** Internal: whether this process traces. Every hook asks it first, so that tracing off costs one branch. */
let on = false;

export const tracingOn = (): boolean => on;

export function setTracingOn(value: boolean): void {
  on = value;
}
