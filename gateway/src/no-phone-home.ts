/**
 * @apollo/gateway sends usage telemetry to Apollo by default and, to describe the host, probes
 * cloud metadata endpoints (GCP, AWS, Azure, Alibaba). Our gateway talks only to its subgraphs:
 * both are off unless an operator explicitly sets APOLLO_TELEMETRY_DISABLED=false.
 * Imported for its effect before any ApolloGateway is constructed.
 */
if (process.env.APOLLO_TELEMETRY_DISABLED === undefined) process.env.APOLLO_TELEMETRY_DISABLED = 'true';
