import { useEffect, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { CURRENT_ROUND, ON_ROUND_CHANGED } from '../operations';
import { pollWhen, useLiveSubscription } from '../live';

/** The current round in one line; it follows roundChanged (or asks every few seconds). */
export function RoundBanner() {
  const mode = useLiveSubscription(ON_ROUND_CHANGED, { onData: () => void refetch() });
  const { data, refetch } = useQuery(CURRENT_ROUND, { pollInterval: pollWhen(mode, 3000) });
  const round = data?.currentRound;
  const now = useNow(1000);
  if (!round)
    return (
      <div className="round closed" data-testid="round">
        No round yet
      </div>
    );
  const left = Math.max(0, Math.round((Date.parse(round.endsAt) - now) / 1000));
  return (
    <div className={`round ${round.status.toLowerCase()}`} data-testid="round" data-status={round.status}>
      Round {round.number}:{' '}
      {round.status === 'OPEN' ? `open${left < 24 * 3600 ? `, ${left} s left` : ''}` : round.status === 'CLOSED' ? 'closed, settling' : 'settled, waiting for the next'}
    </div>
  );
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
