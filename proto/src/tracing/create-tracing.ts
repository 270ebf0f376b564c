import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export interface TracingOptions {
  serviceName: string;
  instanceId: string;
  /** Where spans are sent (OTLP over HTTP, protobuf), e.g. http://127.0.0.1:4318/v1/traces; null: no tracing. */
  otlpEndpoint: string | null;
  /** Share of new traces recorded (0 to 1); a caller's sampled or unsampled traceparent is followed as it says. */
  sampleRatio: number;
  /** Replaces the OTLP exporter (tests). */
  exporter?: SpanExporter;
}

export interface Tracing {
  tracer: Tracer;
  /** Sends what is still queued, then stops. */
  close(): Promise<void>;
}

/**
 * The process' one tracer provider. It is not registered globally: spans are started from the
 * tracer passed down, with their parent context given explicitly, so no context manager (async
 * hooks) runs on every call.
 */
export function createTracing(options: TracingOptions): Tracing {
  const exporter =
    options.exporter ?? (options.otlpEndpoint ? new OTLPTraceExporter({ url: options.otlpEndpoint }) : null);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.instance.id': options.instanceId,
    }),
    // Without an exporter nothing is recorded, but ids are still made, so traceparents still flow.
    sampler:
      exporter === null
        ? new AlwaysOffSampler()
        : new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors:
      exporter === null
        ? []
        : [
            // Sized for a few thousand spans a second: one export a second of up to 2,048 spans,
            // and spans beyond 16,384 waiting are dropped rather than held.
            new BatchSpanProcessor({
              exporter,
              maxQueueSize: 16_384,
              maxExportBatchSize: 2048,
              scheduledDelayMillis: 1000,
            }),
          ],
  });
  return { tracer: provider.getTracer(options.serviceName), close: () => provider.shutdown() };
}
