/** For tests: tracing into memory, to read back the spans a scenario made. */
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing } from './start.js';

export type { ReadableSpan };
export { SpanKind } from '@opentelemetry/api';

export interface RecordedTracing {
  /** Every span ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  stop(): Promise<void>;
}

/** Starts this process's tracing with every span kept in memory (throws when tracing already runs). */
export function recordTraces(service = 'test'): RecordedTracing {
  const exporter = new InMemorySpanExporter();
  const running = startTracing(service, { spanProcessors: [new SimpleSpanProcessor(exporter)] });
  if (!running) throw new Error('Tracing already runs in this process');
  return {
    spans: () => exporter.getFinishedSpans(),
    stop: () => running.stop(),
  };
}
