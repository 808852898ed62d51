/** An Apollo Server plugin that times every GraphQL request and hands it to graphql_request_duration_seconds. */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { requestOutcome, type RequestOutcome } from './labels.js';

export type RequestObserver = (operationName: string | null | undefined, outcome: RequestOutcome, seconds: number) => void;

export function requestMetricsPlugin<C extends BaseContext>(observe: RequestObserver): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ request }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, response }) {
          const codes = errors?.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          observe(operationName ?? request.operationName, requestOutcome(codes, response.http.status ?? 200), (performance.now() - started) / 1000);
        },
      };
    },
  };
}
