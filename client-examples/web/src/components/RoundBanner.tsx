import { useNow } from '../now';
import { useCurrentRound } from '../round';

/** The current round in one line; it follows roundChanged (or asks every few seconds). */
export function RoundBanner() {
  const { round } = useCurrentRound();
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
