import { SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createTracing } from './create-tracing.js';
import { contextFromTraceparent } from './trace-context.js';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7';

/** Keeps what it received after shutdown (the in-memory exporter forgets it then). */
class KeepingExporter extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function tracingWith(sampleRatio: number) {
  const exporter = new KeepingExporter();
  const tracing = createTracing({ serviceName: 'svc', instanceId: 'svc-1', otlpEndpoint: null, sampleRatio, exporter });
  return { exporter, tracing };
}

describe('createTracing', () => {
  it("records a sampled caller's trace whatever the ratio, under the caller's span, with the service named", async () => {
    const { exporter, tracing } = tracingWith(0);
    tracing.tracer.startSpan('call', { kind: SpanKind.SERVER }, contextFromTraceparent(`${CALLER}-01`)).end();
    await tracing.close();
    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span?.resource.attributes['service.name']).toBe('svc');
    expect(span?.resource.attributes['service.instance.id']).toBe('svc-1');
  });

  it('records nothing for an unsampled caller but keeps its trace id for the next hop', async () => {
    const { exporter, tracing } = tracingWith(1);
    const span = tracing.tracer.startSpan('call', {}, contextFromTraceparent(`${CALLER}-00`));
    span.end();
    await tracing.close();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.spanContext().traceFlags).toBe(TraceFlags.NONE);
  });

  it('samples new traces by the ratio', async () => {
    const none = tracingWith(0);
    const all = tracingWith(1);
    for (let i = 0; i < 20; i++) {
      none.tracing.tracer.startSpan('root').end();
      all.tracing.tracer.startSpan('root').end();
    }
    await Promise.all([none.tracing.close(), all.tracing.close()]);
    expect(none.exporter.getFinishedSpans()).toHaveLength(0);
    expect(all.exporter.getFinishedSpans()).toHaveLength(20);
  });

  it('records nothing without an endpoint, yet every span still has ids to pass on', () => {
    const tracing = createTracing({ serviceName: 'svc', instanceId: 'svc-1', otlpEndpoint: null, sampleRatio: 1 });
    const span = tracing.tracer.startSpan('root');
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
  });
});
