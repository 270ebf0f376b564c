import { type Context, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';

/**
 * The W3C `traceparent` a call arrives with (gRPC metadata, HTTP header) and the one an event
 * carries through the outbox column and the Kafka header, as an OpenTelemetry parent context.
 * Absent or malformed, the span that follows starts a new trace.
 */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  const parent = parseTraceParent(traceparent);
  return parent === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true });
}

/** `00-<trace id>-<span id>-<flags>`: what the next hop continues from, sampled or not. */
export function traceparentOf({ traceId, spanId, traceFlags }: SpanContext): string {
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}
