/** Settings of the order subgraph, read from the environment. */
import { SUBGRAPH_PRODUCTION_VARIABLES, env, loadSubgraphConfig, subgraphVariables } from '@distribution/config';

export const configShape = {
  ...subgraphVariables(4003, 9467),
  // How long placeOrder waits for inventory's answer before it returns the order as PENDING.
  PLACE_ORDER_WAIT_MS: env.int(5000),
  // An order still PENDING (or a cancellation still waiting) this long is asked about: inventory answers with its decision.
  ORDER_RESOLUTION_TIMEOUT_MS: env.int(30_000, 1),
};

/** What a container deployment must set: in production no embedded database and no development secret. */
export const productionVariables: string[] = [...SUBGRAPH_PRODUCTION_VARIABLES];

/** Reads and checks the settings; throws a ConfigError naming every missing or invalid variable. */
export function loadServiceConfig(environment: NodeJS.ProcessEnv = process.env) {
  const { settings, variables } = loadSubgraphConfig(configShape, productionVariables, environment);
  return { ...settings, placeOrderWaitMs: variables.PLACE_ORDER_WAIT_MS, resolutionTimeoutMs: variables.ORDER_RESOLUTION_TIMEOUT_MS };
}
