/**
 * The current round, followed live. A roundChanged event about the round shown updates it in the
 * cache by itself (rounds are kept by number); only a round with a new number is read again. Reading
 * the round again after every event would race: a read sent at CLOSED can answer after the SETTLED
 * event (identical reads in flight are shared), and its stale answer would stay on the page.
 */
import { useRef } from 'react';
import { useQuery } from '@apollo/client/react';
import { CURRENT_ROUND, ON_ROUND_CHANGED } from './operations';
import { pollWhen, useLiveSubscription, type LiveMode } from './live';
import type { Round } from './types';
import type { OnRoundChangedSubscription } from '../../operations/generated/graphql';

export function useCurrentRound(onChange?: (round: OnRoundChangedSubscription['roundChanged']) => void): { round: Round | null; mode: LiveMode } {
  const shown = useRef<number | null>(null);
  const mode = useLiveSubscription(ON_ROUND_CHANGED, {
    onData: ({ roundChanged }) => {
      if (roundChanged.number !== shown.current) void refetch().catch(() => undefined);
      onChange?.(roundChanged);
    },
  });
  const { data, refetch } = useQuery(CURRENT_ROUND, { pollInterval: pollWhen(mode, 3000) });
  const round = data?.currentRound ?? null;
  shown.current = round?.number ?? null;
  return { round, mode };
}
