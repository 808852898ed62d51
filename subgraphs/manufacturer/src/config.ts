/** Settings of the manufacturer subgraph, read from the environment. */
import { SUBGRAPH_PRODUCTION_VARIABLES, loadSubgraphConfig, subgraphVariables } from '@distribution/config';

export const configShape = subgraphVariables(4001, 9465);

/** What a container deployment must set: in production no embedded database and no development secret. */
export const productionVariables: string[] = [...SUBGRAPH_PRODUCTION_VARIABLES];

/** Reads and checks the settings; throws a ConfigError naming every missing or invalid variable. */
export function loadServiceConfig(environment: NodeJS.ProcessEnv = process.env) {
  return loadSubgraphConfig(configShape, productionVariables, environment).settings;
}
