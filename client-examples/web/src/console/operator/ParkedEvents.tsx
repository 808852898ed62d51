/** A service's parked events, each with a retry button and a discard button that asks for a reason (both audited), and its latest repairs. */
import { useState } from 'react';
import { useMutation } from '@apollo/client/react';
import { BUS_REPAIRS, type BusService } from '../operations';
import type { ParkedEvent, ServiceBus } from '../types';

type Repair = { id: string; outcome: 'APPLIED' | 'FAILED_AGAIN' | 'DISCARDED'; error: string | null };
const OUTCOME_TEXT: Record<Repair['outcome'], string> = { APPLIED: 'applied', FAILED_AGAIN: 'refused again, still parked', DISCARDED: 'discarded' };

export function ParkedEvents({ service, bus, onRepaired }: { service: BusService; bus: ServiceBus; onRepaired: () => void }) {
  const parked = bus.parkedEvents.edges.map((e) => e.node);
  if (parked.length === 0 && bus.repairs.length === 0) return null;
  return (
    <div className="parked" data-testid={`parked-${service}`}>
      <h3>Parked at the {service} service</h3>
      {parked.length === 0 ? (
        <p className="muted small">None now.</p>
      ) : (
        <ul>
          {parked.map((event) => (
            <ParkedRow key={event.id} service={service} event={event} onRepaired={onRepaired} />
          ))}
        </ul>
      )}
      {bus.repairs.length > 0 && (
        <details className="repairs">
          <summary className="small">Latest repairs ({bus.repairs.length})</summary>
          <ul className="small">
            {bus.repairs.map((r) => (
              <li key={r.id}>
                {new Date(r.at).toLocaleTimeString()} {r.action.toLowerCase().replace('_', ' ')} {r.eventType} by {r.by}
                {r.reason ? `: ${r.reason}` : ''}
                {r.error ? ` (${r.error})` : ''}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function ParkedRow({ service, event, onRepaired }: { service: BusService; event: ParkedEvent; onRepaired: () => void }) {
  const { retry, discard } = BUS_REPAIRS[service];
  const [retryEvent, retrying] = useMutation<Record<string, Repair>>(retry);
  const [discardEvent, discarding] = useMutation<Record<string, Repair>>(discard);
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);
  const repaired = (result: Repair | undefined) => {
    if (result) setOutcome(`${OUTCOME_TEXT[result.outcome]}${result.error ? `: ${result.error}` : ''}`);
    onRepaired();
  };
  const failed = (error: Error) => setOutcome(`failed: ${error.message}`);
  const busy = retrying.loading || discarding.loading;
  return (
    <li data-testid={`parked-event-${event.id}`} data-event-type={event.eventType}>
      <div>
        <strong>{event.eventType}</strong>
        {event.version !== null ? ` v${event.version}` : ''} <span className="muted small">from {event.source ?? '?'}</span>{' '}
        <span className="muted small">
          to {event.consumer}, parked {new Date(event.parkedAt).toLocaleTimeString()} after {event.attempts} attempt{event.attempts === 1 ? '' : 's'}
        </span>
      </div>
      <div className="error small">{event.error}</div>
      <form
        className="repair"
        onSubmit={(e) => {
          e.preventDefault();
          discardEvent({ variables: { id: event.id, reason } })
            .then((r) => repaired(r.data?.[`discardParked${capital(service)}Event`]))
            .catch(failed);
        }}
      >
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            retryEvent({ variables: { id: event.id } })
              .then((r) => repaired(r.data?.[`retryParked${capital(service)}Event`]))
              .catch(failed);
          }}
          data-testid="retry"
        >
          Retry
        </button>
        <input placeholder="Reason to discard" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} data-testid="discard-reason" />
        <button type="submit" disabled={busy || reason.trim() === ''} data-testid="discard">
          Discard
        </button>
        {outcome && (
          <span className="small" data-testid="repair-outcome">
            {' '}
            {outcome}
          </span>
        )}
      </form>
    </li>
  );
}

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
