import type { LiveMode } from '../live';

/** Says whether a list follows events live or is asked again every few seconds. */
export function LiveBadge({ mode }: { mode: LiveMode }) {
  return (
    <span className={`badge ${mode}`} title={mode === 'live' ? 'updated by subscription' : 'the gateway does not serve this subscription yet: polling'}>
      {mode === 'live' ? 'live' : 'polling'}
    </span>
  );
}
