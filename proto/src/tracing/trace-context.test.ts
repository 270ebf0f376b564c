import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { contextFromTraceparent, traceparentOf } from './trace-context.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('contextFromTraceparent', () => {
  it('continues a sampled caller as a remote parent', () => {
    const parent = trace.getSpanContext(contextFromTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`));
    expect(parent).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
  });

  it('keeps an unsampled caller unsampled', () => {
    const parent = trace.getSpanContext(contextFromTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`));
    expect(parent?.traceFlags).toBe(TraceFlags.NONE);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['not a traceparent', 'hello'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
  ])('starts a new trace when the traceparent is %s', (_name, header) => {
    expect(contextFromTraceparent(header)).toBe(ROOT_CONTEXT);
  });
});

describe('traceparentOf', () => {
  it('writes the version, ids and two-digit flags the next hop parses back', () => {
    const written = traceparentOf({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    expect(written).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(trace.getSpanContext(contextFromTraceparent(written))?.spanId).toBe(SPAN_ID);
  });
});
