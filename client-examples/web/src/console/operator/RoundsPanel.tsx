/**
 * The round now: its status (live through roundChanged), when it ends, when the schedule opens the
 * next one, and the operator's buttons to close it or open the next.
 */
import { useState } from 'react';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { LiveBadge } from '../../components/LiveBadge';
import { useNow } from '../../now';
import { useCurrentRound } from '../../round';
import type { Round } from '../../types';
import { CLOSE_ROUND, OPEN_ROUND } from '../operations';

const STATUS_TEXT: Record<Round['status'], string> = { OPEN: 'open', CLOSED: 'closed, manufacturers settling', SETTLED: 'settled' };

export function RoundsPanel() {
  const client = useApolloClient();
  // A round that closes has its sales: the chart reads them again.
  const { round, mode } = useCurrentRound(() => void client.refetchQueries({ include: ['RoundSales'] }));
  // Their answers stay out of the cache: one that arrives after a later roundChanged event (a round
  // settles within a second of closing) would put the older status back. The events tell the status;
  // a round opened is a new current round, read again.
  const [openRound, opening] = useMutation(OPEN_ROUND, { fetchPolicy: 'no-cache', refetchQueries: ['CurrentRound'] });
  const [closeRound, closing] = useMutation(CLOSE_ROUND, { fetchPolicy: 'no-cache', refetchQueries: ['RoundSales'] });
  const [problem, setProblem] = useState<string | null>(null);
  const now = useNow(1000);
  const act = (mutation: () => Promise<unknown>) => {
    setProblem(null);
    mutation().catch((error: Error) => setProblem(error.message));
  };
  return (
    <section className="rounds-panel" data-testid="rounds-panel" data-status={round?.status ?? 'NONE'} data-round={round?.number ?? ''} data-mode={mode}>
      <h2>
        Distribution round <LiveBadge mode={mode} />
      </h2>
      {round ? (
        <dl className="facts">
          <dt>Round</dt>
          <dd>
            <strong>{round.number}</strong>{' '}
            <span className={`round-status ${round.status.toLowerCase()}`} data-testid="round-status">
              {STATUS_TEXT[round.status]}
            </span>
          </dd>
          <dt>Opened</dt>
          <dd>{clock(round.openedAt)}</dd>
          {round.status === 'OPEN' ? (
            <>
              <dt>Ends</dt>
              <dd>
                {clock(round.endsAt)} <span className="muted">({inAbout(Date.parse(round.endsAt) - now)})</span>
              </dd>
            </>
          ) : (
            <>
              <dt>Closed</dt>
              <dd>
                {round.closedAt ? clock(round.closedAt) : '—'} <span className="muted">{round.closeReason ? `(${round.closeReason.toLowerCase().replace(/_/g, ' ')})` : ''}</span>
              </dd>
            </>
          )}
          <dt>Next opening</dt>
          <dd data-testid="next-opening">
            {round.nextOpeningAt ? (
              <>
                {clock(round.nextOpeningAt)} <span className="muted">({inAbout(Date.parse(round.nextOpeningAt) - now)}, once this round is settled)</span>
              </>
            ) : (
              <span className="muted">by hand (no schedule)</span>
            )}
          </dd>
        </dl>
      ) : (
        <p className="muted">No round yet.</p>
      )}
      <div className="actions">
        <button className="primary" disabled={round?.status !== 'OPEN' || closing.loading} onClick={() => act(() => closeRound())} data-testid="close-round">
          Close round
        </button>
        <button className="primary" disabled={(round !== null && round.status !== 'SETTLED') || opening.loading} onClick={() => act(() => openRound())} data-testid="open-round">
          Open next round
        </button>
      </div>
      {problem && (
        <p className="error small" data-testid="round-problem">
          {problem}
        </p>
      )}
    </section>
  );
}

const clock = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "in 42 s", "in 3 h 5 min", "in 12 days", "now". */
function inAbout(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s <= 0) return 'due now';
  if (s < 120) return `in ${s} s`;
  if (s < 7200) return `in ${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `in ${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `in ${Math.round(s / 86400)} days`;
}
