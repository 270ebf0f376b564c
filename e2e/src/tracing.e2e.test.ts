import { randomBytes } from 'node:crypto';
import { Metadata } from 'nice-grpc';
import { afterAll, describe, expect, it } from 'vitest';
import { calculatorClient, eventually, freshUserId, getServiceB, stack } from './stack.js';

interface JaegerSpan {
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string }[];
  processID: string;
  tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** A caller's trace: a new trace id, the caller's own span id, sampled. */
function callerTraceparent() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function findTrace(traceId: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${stack.jaegerUrl}/api/traces/${traceId}`);
  if (response.status !== 200) return undefined;
  const body = (await response.json()) as { data: JaegerTrace[] };
  return body.data[0];
}

/** Waits for the trace to hold a span of each service named (spans arrive about a second after they end). */
function traceWith(traceId: string, operations: string[]): Promise<JaegerTrace> {
  return eventually(
    `trace ${traceId} with ${operations.join(', ')}`,
    async () => {
      const found = await findTrace(traceId);
      const names = new Set(found?.spans.map((span) => span.operationName));
      return operations.every((name) => names.has(name)) ? found : undefined;
    },
    20_000,
  );
}

function only(trace: JaegerTrace, operation: string): JaegerSpan & { service: string; parent?: string } {
  const spans = trace.spans.filter((span) => span.operationName === operation);
  expect(spans, `spans named ${operation}`).toHaveLength(1);
  const span = spans[0] as JaegerSpan;
  const parent = span.references.find((ref) => ref.refType === 'CHILD_OF')?.spanID;
  return { ...span, service: trace.processes[span.processID]?.serviceName ?? '?', parent };
}

describe('one trace per call, across every hop', () => {
  const { client, close } = calculatorClient();
  afterAll(close);

  it("follows a gRPC call with a known trace id from service-a's server span through the outbox and Kafka into service-b's apply", async () => {
    const caller = callerTraceparent();
    const userId = freshUserId('traced');
    const { eventId } = await client.calculateSum(
      { userId, operands: [20, 22] },
      { metadata: Metadata({ traceparent: caller.traceparent }) },
    );
    await eventually('the calculation applied', async () => {
      const { status } = await getServiceB(`/v1/calculations/${eventId}`);
      return status === 200 ? true : undefined;
    });

    const trace = await traceWith(caller.traceId, [
      'calculator.v1.CalculatorService/CalculateSum',
      'outbox write',
      'process user-events',
    ]);
    const server = only(trace, 'calculator.v1.CalculatorService/CalculateSum');
    const write = only(trace, 'outbox write');
    const processed = only(trace, 'process user-events');
    expect(server.service).toBe('service-a');
    expect(server.parent).toBe(caller.spanId);
    expect(write.service).toBe('service-a');
    expect(write.parent).toBe(server.spanID);
    expect(write.tags).toContainEqual(expect.objectContaining({ key: 'messaging.message.id', value: eventId }));
    expect(processed.service).toBe('service-b');
    expect(processed.parent).toBe(write.spanID);
    expect(processed.tags).toContainEqual(expect.objectContaining({ key: 'calculator.outcome', value: 'applied' }));
  });

  it('follows an HTTP call through nginx the same way, from its traceparent header', async () => {
    const caller = callerTraceparent();
    const response = await fetch(`${stack.httpApiUrl}/v1/sum`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify({ userId: freshUserId('traced-http'), operands: [1, 2] }),
    });
    expect(response.status).toBe(200);

    const trace = await traceWith(caller.traceId, ['POST /v1/sum', 'outbox write', 'process user-events']);
    const server = only(trace, 'POST /v1/sum');
    expect(server.service).toBe('service-a');
    expect(server.parent).toBe(caller.spanId);
    expect(only(trace, 'outbox write').parent).toBe(server.spanID);
    expect(only(trace, 'process user-events').parent).toBe(only(trace, 'outbox write').spanID);
  });

  it("records nothing for a caller that says it does not sample, yet the event still carries the caller's trace", async () => {
    const caller = callerTraceparent();
    const unsampled = caller.traceparent.replace(/-01$/, '-00');
    const { eventId } = await client.calculateSum(
      { userId: freshUserId('unsampled'), operands: [5] },
      { metadata: Metadata({ traceparent: unsampled }) },
    );
    await eventually('the calculation applied', async () => {
      const { status } = await getServiceB(`/v1/calculations/${eventId}`);
      return status === 200 ? true : undefined;
    });
    // A sampled call made after it is exported by then: both instances' exports run every second.
    const later = callerTraceparent();
    await client.calculateSum(
      { userId: freshUserId('traced'), operands: [1] },
      { metadata: Metadata({ traceparent: later.traceparent }) },
    );
    await traceWith(later.traceId, ['calculator.v1.CalculatorService/CalculateSum', 'process user-events']);
    expect(await findTrace(caller.traceId)).toBeUndefined();
  });
});
