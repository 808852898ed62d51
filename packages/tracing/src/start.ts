/**
 * Starts OpenTelemetry tracing from the standard OTEL_* variables. Off unless OTEL_TRACES_EXPORTER
 * names an exporter (`otlp`, `console`); OTEL_SDK_DISABLED=true turns it off whatever else is set.
 * The OTLP exporter sends over HTTP and reads its own variables (OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, ...); the batch processor reads
 * OTEL_BSP_*, the sampler OTEL_TRACES_SAMPLER(_ARG); OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
 * name the process.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { setTracingOn } from './switch.js';

/** The exporters this build knows, as OTEL_TRACES_EXPORTER names them. */
export const TRACE_EXPORTERS = ['otlp', 'console'] as const;
export type TraceExporterName = (typeof TRACE_EXPORTERS)[number];

/** OTEL_TRACES_EXPORTER names an exporter this build does not have: a configuration mistake, refused at start. */
export class UnknownTraceExporter extends Error {
  constructor(readonly exporter: string) {
    super(`OTEL_TRACES_EXPORTER=${exporter} is not one of ${TRACE_EXPORTERS.join(', ')}, none`);
    this.name = 'UnknownTraceExporter';
  }
}

/** The exporters the environment asks for; empty when tracing is off. */
export function traceExportersFrom(env: NodeJS.ProcessEnv): TraceExporterName[] {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return [];
  const names = (env.OTEL_TRACES_EXPORTER ?? 'none')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'none');
  for (const name of names) if (!(TRACE_EXPORTERS as readonly string[]).includes(name)) throw new UnknownTraceExporter(name);
  return [...new Set(names)] as TraceExporterName[];
}

export interface RunningTracing {
  /** Sends what is still buffered and stops; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartTracingOptions {
  env?: NodeJS.ProcessEnv;
  /** Span processors to use instead of the exporters the environment names (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

let running: { provider: NodeTracerProvider; stopping?: Promise<void> } | null = null;

/**
 * Starts tracing for this process as `service` (OTEL_SERVICE_NAME wins), or returns null when the
 * environment leaves it off. One provider per process: a second start while one runs gets null.
 */
export function startTracing(service: string, options: StartTracingOptions = {}): RunningTracing | null {
  const env = options.env ?? process.env;
  const spanProcessors = options.spanProcessors ?? traceExportersFrom(env).map((name) => new BatchSpanProcessor(exporterNamed(name)));
  if (spanProcessors.length === 0 || running) return null;
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': service }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors });
  // Sets the global tracer provider, the W3C trace-context propagator and the AsyncLocalStorage context manager.
  provider.register();
  const state: { provider: NodeTracerProvider; stopping?: Promise<void> } = { provider };
  running = state;
  setTracingOn(true);
  return {
    stop: () =>
      (state.stopping ??= (async () => {
        setTracingOn(false);
        if (running === state) running = null;
        await provider.shutdown();
        // So that a later start (the next test file in a worker) can register again.
        trace.disable();
        context.disable();
        propagation.disable();
      })()),
  };
}

function exporterNamed(name: TraceExporterName) {
  return name === 'otlp' ? new OTLPTraceExporter() : new ConsoleSpanExporter();
}
