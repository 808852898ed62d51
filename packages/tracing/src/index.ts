export { startTracing, traceExportersFrom, UnknownTraceExporter, TRACE_EXPORTERS } from './start.js';
export type { RunningTracing, StartTracingOptions, TraceExporterName } from './start.js';
export { tracingOn } from './switch.js';
export { contextOf, currentTraceparent, traceEventBatch, traceHttpRequest, traceOutgoingCall, traceRelayed, withSpan } from './spans.js';
export type { TracedEvent } from './spans.js';
