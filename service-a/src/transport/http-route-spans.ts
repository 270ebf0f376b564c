import { contextFromTraceparent } from '@calculator/proto';
import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

export interface RouteSpans {
  /** Route hooks: the span opens before the body is validated, and closes with the answer's status. */
  onRequest(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void;
  onResponse(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void;
  /** A client that hung up gets no answer, so no onResponse: its span closes here. */
  onRequestAbort(request: FastifyRequest, done: HookHandlerDoneFunction): void;
  /** The request's server span as a parent context, for what the handler does. */
  contextOf(request: FastifyRequest): Context;
}

/** A server span per request of one route, continuing the caller's `traceparent` header. */
export function createRouteSpans(tracer: Tracer, method: string, route: string): RouteSpans {
  const spans = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  return {
    onRequest(request, _reply, done) {
      const header = request.headers.traceparent;
      const parent = contextFromTraceparent(typeof header === 'string' ? header : null);
      const span = tracer.startSpan(
        `${method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } },
        parent,
      );
      spans.set(request, { span, context: trace.setSpan(parent, span) });
      done();
    },
    onResponse(request, reply, done) {
      const opened = spans.get(request);
      if (opened) {
        opened.span.setAttribute('http.response.status_code', reply.statusCode);
        if (reply.statusCode >= 500) opened.span.setStatus({ code: SpanStatusCode.ERROR });
        opened.span.end();
        spans.delete(request);
      }
      done();
    },
    onRequestAbort(request, done) {
      const opened = spans.get(request);
      if (opened) {
        opened.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away' });
        opened.span.end();
        spans.delete(request);
      }
      done();
    },
    contextOf: (request) => spans.get(request)?.context ?? ROOT_CONTEXT,
  };
}
