import { afterEach, describe, expect, it } from 'vitest';
import { contextOf, currentTraceparent, startTracing, traceEventBatch, traceExportersFrom, traceOutgoingCall, tracingOn, UnknownTraceExporter, withSpan } from '../src/index.js';
import { recordTraces, SpanKind, type RecordedTracing } from '../src/testing.js';

const A = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const B = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const traceIdOf = (traceparent: string) => traceparent.split('-')[1];
const spanIdOf = (traceparent: string) => traceparent.split('-')[2];

describe('which exporters the environment asks for', () => {
  it('is off unless OTEL_TRACES_EXPORTER names one, and OTEL_SDK_DISABLED wins', () => {
    expect(traceExportersFrom({})).toEqual([]);
    expect(traceExportersFrom({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
    expect(traceExportersFrom({ OTEL_TRACES_EXPORTER: ' OTLP ' })).toEqual(['otlp']);
    expect(traceExportersFrom({ OTEL_TRACES_EXPORTER: 'otlp,console,otlp' })).toEqual(['otlp', 'console']);
    expect(traceExportersFrom({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toEqual([]);
  });

  it('refuses an exporter it does not have, naming it', () => {
    expect(() => traceExportersFrom({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(UnknownTraceExporter);
    expect(() => traceExportersFrom({ OTEL_TRACES_EXPORTER: 'otlp,jaeger' })).toThrow(/OTEL_TRACES_EXPORTER=jaeger/);
  });
});

describe('tracing off', () => {
  it('starts nothing, writes no traceparent, and hands a batch its events as they are', async () => {
    expect(startTracing('test', { env: {} })).toBeNull();
    expect(tracingOn()).toBe(false);
    const events = [{ type: 'OrderPlaced', traceparent: A }];
    const seen = await withSpan('test', 'work', async () => {
      expect(currentTraceparent()).toBeUndefined();
      return traceEventBatch('test', 'c', events, async (continuing) => continuing(events));
    });
    expect(seen).toBe(events);
  });
});

describe('tracing on', () => {
  let tracing: RecordedTracing | undefined;
  afterEach(async () => {
    await tracing?.stop();
    tracing = undefined;
  });

  it('gives a batch one consumer span in the trace of each event, linked to each other, and each event its own span as traceparent', async () => {
    tracing = recordTraces();
    const events = [
      { type: 'OrderPlaced', traceparent: A },
      { type: 'OrderPlaced', traceparent: B },
      { type: 'OrderPlaced', traceparent: null },
    ];
    const { continued, written } = await traceEventBatch('inventory', 'inventory.orders', events, async (continuing) => ({
      continued: continuing(events).map((e) => e.traceparent),
      // What the batch writes without a cause of its own continues the first trace.
      written: currentTraceparent(),
    }));
    const spans = tracing.spans();
    expect(spans.map((s) => [s.name, s.kind, s.spanContext().traceId, s.parentSpanContext?.spanId])).toEqual([
      ['consume inventory.orders', SpanKind.CONSUMER, traceIdOf(B), spanIdOf(B)],
      ['consume inventory.orders', SpanKind.CONSUMER, traceIdOf(A), spanIdOf(A)],
    ]);
    const [ofB, ofA] = spans;
    expect(ofA!.links.map((l) => l.context.spanId)).toEqual([ofB!.spanContext().spanId]);
    expect(ofB!.links.map((l) => l.context.spanId)).toEqual([ofA!.spanContext().spanId]);
    expect(continued).toEqual([`00-${traceIdOf(A)}-${ofA!.spanContext().spanId}-01`, `00-${traceIdOf(B)}-${ofB!.spanContext().spanId}-01`, null]);
    expect(written).toBe(continued[0]);
  });

  it('sends a call’s traceparent in its headers, as a client span under the active one', async () => {
    tracing = recordTraces();
    const headers: Record<string, string> = {};
    await withSpan('gateway', 'request', () => traceOutgoingCall('gateway', 'subgraph order', headers, async () => undefined), { traceparent: A });
    const [call, request] = tracing.spans();
    expect(call!.kind).toBe(SpanKind.CLIENT);
    expect(call!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    expect(request!.parentSpanContext?.spanId).toBe(spanIdOf(A));
    expect(headers.traceparent).toBe(`00-${traceIdOf(A)}-${call!.spanContext().spanId}-01`);
  });

  it('ignores a traceparent that is not W3C trace context', () => {
    tracing = recordTraces();
    expect(contextOf('00-not-a-trace-01')).toBe(contextOf(null));
  });
});
