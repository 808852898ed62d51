/**
 * A subscription the page can do without. While the gateway serves it, events arrive live; when the
 * gateway refuses it (a field it does not serve yet) or the socket fails, the caller polls instead.
 */
import { useState } from 'react';
import { useSubscription } from '@apollo/client/react';
import type { OperationVariables, TypedDocumentNode } from '@apollo/client';

export type LiveMode = 'live' | 'polling';

export function useLiveSubscription<TData, TVariables extends OperationVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  options: { variables?: TVariables; skip?: boolean; onData?: (data: TData) => void } = {},
): LiveMode {
  const [failed, setFailed] = useState(false);
  // Apollo's overloads tie `variables` to whether the document requires any; the signature above already did.
  useSubscription(document as TypedDocumentNode<TData, OperationVariables>, {
    variables: options.variables,
    skip: options.skip || failed,
    onData: ({ data }) => {
      if (data.data) options.onData?.(data.data as TData);
    },
    onError: () => setFailed(true),
  });
  return failed ? 'polling' : 'live';
}

/** Poll interval for a query whose live feed is `mode`: none while live. */
export const pollWhen = (mode: LiveMode, ms: number) => (mode === 'polling' ? ms : 0);
