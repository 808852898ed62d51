/**
 * Spans at our own boundaries: an HTTP request in, a call to another service out, a unit of work,
 * an event batch a consumer applies. Each hook is one call at its site and, with tracing off,
 * runs the work at once (one branch, no allocation).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { tracingOn } from './switch.js';

/** The envelope and the HTTP headers always speak W3C trace context, whatever else a deployment adds. */
const w3c = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (carrier: IncomingHttpHeaders) => Object.keys(carrier),
  get: (carrier: IncomingHttpHeaders, key: string) => carrier[key.toLowerCase()],
};
const recordSetter = { set: (carrier: Record<string, string>, key: string, value: string) => (carrier[key] = value) };

/** Spans of one service are made by the tracer of its name: in one process (tests) they still say whose they are. */
const tracerOf = (service: string) => trace.getTracer(service);

/** The context a W3C `traceparent` (from a header or an event) continues; the root context without one. */
export function contextOf(traceparent: string | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent }, headerGetter);
}

/** The `traceparent` of the span running now, to send along; undefined when tracing is off or nothing is traced. */
export function currentTraceparent(): string | undefined {
  if (!tracingOn()) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(context.active(), carrier, recordSetter);
  return carrier.traceparent;
}

/** Ends `span` with the outcome of `work`. */
async function endWith<T>(span: Span, work: () => Promise<T>, onEnd?: (span: Span) => void): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    throw error;
  } finally {
    onEnd?.(span);
    span.end();
  }
}

/**
 * Serves one HTTP request as a server span of `service`, in the trace its `traceparent` header
 * names (or a new one). `describe`, asked at the end, names what was served (a GraphQL operation).
 */
export function traceHttpRequest<T>(service: string, req: IncomingMessage, res: ServerResponse, serve: () => Promise<T>, describe?: () => string | undefined): Promise<T> {
  if (!tracingOn()) return serve();
  const method = req.method ?? 'GET';
  const path = (req.url ?? '/').split('?')[0]!;
  const parent = w3c.extract(ROOT_CONTEXT, req.headers, headerGetter);
  const span = tracerOf(service).startSpan(`${method} ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } }, parent);
  return context.with(trace.setSpan(parent, span), () =>
    endWith(span, serve, () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      const what = describe?.();
      if (what) {
        span.setAttribute('graphql.operation.name', what);
        span.updateName(`${method} ${path} ${what}`);
      }
    }),
  );
}

/** Calls another service as a client span of `service`; `headers` gets the span's `traceparent` first. */
export function traceOutgoingCall<T>(service: string, name: string, headers: Record<string, string>, call: () => Promise<T>, attributes?: Attributes): Promise<T> {
  if (!tracingOn()) return call();
  const span = tracerOf(service).startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const active = trace.setSpan(context.active(), span);
  w3c.inject(active, headers, recordSetter);
  return context.with(active, () => endWith(span, call));
}

/** Runs `work` as a span of `service` under the active one (or under `traceparent`'s, when given). */
export function withSpan<T>(
  service: string,
  name: string,
  work: () => Promise<T>,
  options: { attributes?: Attributes; traceparent?: string | null; kind?: SpanKind } = {},
): Promise<T> {
  if (!tracingOn()) return work();
  const parent = options.traceparent ? contextOf(options.traceparent) : context.active();
  const span = tracerOf(service).startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  return context.with(trace.setSpan(parent, span), () => endWith(span, work));
}

/** What a traced batch needs of each event: its type and the `traceparent` it was written with. */
export interface TracedEvent {
  type: string;
  traceparent?: string | null;
}

/** Gives each event the `traceparent` of the span that applies it (unchanged when tracing is off). */
export type Continue = <E extends TracedEvent>(events: E[]) => E[];
const unchanged: Continue = (events) => events;

/**
 * Applies a consumer's batch of events as consumer spans: one in the trace of every event that
 * carries a `traceparent` (a batch mixes orders of many requests), each linked to the others. The
 * work runs under the first one, so what it writes without a `traceparent` of its own continues
 * that trace; `apply` gets the function that gives each event its own consumer span's
 * `traceparent`, for a consumer that answers event by event to pass on (`causedBy`).
 */
export function traceEventBatch<T>(service: string, consumer: string, events: readonly TracedEvent[], apply: (continuing: Continue) => Promise<T>): Promise<T> {
  if (!tracingOn()) return apply(unchanged);
  const byTrace = new Map<string, TracedEvent[]>();
  for (const event of events) {
    if (!event.traceparent) continue;
    const context = contextOf(event.traceparent);
    const traceId = trace.getSpanContext(context)?.traceId;
    if (traceId) byTrace.set(event.traceparent, [...(byTrace.get(event.traceparent) ?? []), event]);
  }
  const tracer = tracerOf(service);
  const attributes = (of: TracedEvent[]): Attributes => ({
    'messaging.consumer.group.name': consumer,
    'messaging.batch.message_count': events.length,
    'messaging.message.types': [...new Set(of.map((e) => e.type))],
  });
  if (byTrace.size === 0) return withSpan(service, `consume ${consumer}`, () => apply(unchanged), { kind: SpanKind.CONSUMER, attributes: attributes([...events]) });
  const spans = [...byTrace].map(([traceparent, of]) => {
    const parent = contextOf(traceparent);
    const span = tracer.startSpan(`consume ${consumer}`, { kind: SpanKind.CONSUMER, attributes: attributes(of) }, parent);
    const carrier: Record<string, string> = {};
    w3c.inject(trace.setSpan(parent, span), carrier, recordSetter);
    return { parent, span, traceparent, continued: carrier.traceparent };
  });
  const continuedOf = new Map(spans.map((s) => [s.traceparent, s.continued]));
  const continuing: Continue = (batch) =>
    batch.map((event) => (event.traceparent && continuedOf.has(event.traceparent) ? { ...event, traceparent: continuedOf.get(event.traceparent) } : event));
  for (const { span } of spans) {
    for (const other of spans) if (other.span !== span) span.addLink({ context: other.span.spanContext() });
  }
  const [first, ...rest] = spans;
  return context.with(trace.setSpan(first!.parent, first!.span), () =>
    endWith(
      first!.span,
      () => apply(continuing),
      () => {
        for (const { span } of rest) span.end();
      },
    ),
  );
}

/**
 * The relay moved events to the bus: a producer span, from `startedAt` (epoch ms) to now, in the
 * trace of every `traceparent` among them (`moved`: per event type, the distinct ones).
 */
export function traceRelayed(service: string, startedAt: number, moved: ReadonlyArray<{ type: string; traces: readonly string[] }>): void {
  if (!tracingOn()) return;
  const typesOf = new Map<string, string[]>();
  for (const { type, traces } of moved) for (const traceparent of traces) typesOf.set(traceparent, [...(typesOf.get(traceparent) ?? []), type]);
  const tracer = tracerOf(service);
  for (const [traceparent, types] of typesOf) {
    tracer
      .startSpan(
        `publish ${types.join(', ')}`,
        { kind: SpanKind.PRODUCER, startTime: startedAt, attributes: { 'messaging.system': 'postgres', 'messaging.message.types': types } },
        contextOf(traceparent),
      )
      .end();
  }
}
