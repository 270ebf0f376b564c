import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createRouteSpans } from './http-route-spans.js';

describe('createRouteSpans', () => {
  it('closes the span of a request whose client hung up, as an error, once', () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('test');
    const spans = createRouteSpans(tracer, 'POST', '/v1/sum');
    const request = { headers: {} } as FastifyRequest;
    const done = () => {};
    spans.onRequest(request, {} as FastifyReply, done);
    spans.onRequestAbort(request, done);
    // A late onResponse (fastify does not send one after an abort) must not end it twice.
    spans.onResponse(request, { statusCode: 200 } as FastifyReply, done);
    const finished = exporter.getFinishedSpans();
    expect(finished).toHaveLength(1);
    expect(finished[0]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the client went away' });
    expect(finished[0]?.attributes['http.response.status_code']).toBeUndefined();
  });
});
