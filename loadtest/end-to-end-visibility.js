// (c) End to end: the time from CalculateSum's OK answer to the calculation being visible in
// service-b's API (GET /v1/calculations/{eventId}), polled every 20 ms; recorded as `e2e_visible_ms`.
// Keep the rate low: each probe polls until it sees its event.
//   k6 run -e RATE=5 -e DURATION=60s loadtest/end-to-end-visibility.js
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import grpc from 'k6/net/grpc';

const target = __ENV.GRPC_TARGET || '127.0.0.1:50051';
const serviceB = __ENV.SERVICE_B_URL || 'http://127.0.0.1:3000';
const client = new grpc.Client();
client.load(['../proto'], 'calculator/v1/calculator.proto');

const visibleAfter = new Trend('e2e_visible_ms', true);
const neverVisible = new Counter('e2e_never_visible');
const TIMEOUT_MS = 10_000;

export const options = {
  scenarios: {
    visibility: {
      executor: 'constant-arrival-rate',
      exec: 'visibility',
      rate: Number(__ENV.VISIBILITY_RATE || __ENV.RATE || 5),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: 20,
      maxVUs: 100,
    },
  },
  thresholds: {
    e2e_visible_ms: ['p(99)<500'],
    e2e_never_visible: ['count==0'],
    // Always true: makes k6 report the number of probes (the report reads it).
    'iterations{scenario:visibility}': ['count>=0'],
  },
};

let connected = false;

/** One call, then poll service-b until the event is there. */
export function visibility() {
  if (!connected) {
    client.connect(target, { plaintext: true });
    connected = true;
  }
  const response = client.invoke('calculator.v1.CalculatorService/CalculateSum', {
    user_id: `k6-e2e-${exec.vu.idInTest % 100}`,
    operands: [1, 2],
  });
  if (!check(response, { 'e2e call OK': (r) => r?.status === grpc.StatusOK })) return;
  const answeredAt = Date.now();
  const lookup = `${serviceB}/v1/calculations/${response.message.eventId}`;
  while (Date.now() - answeredAt < TIMEOUT_MS) {
    if (
      http.get(lookup, { tags: { name: 'visibility-poll' }, responseCallback: http.expectedStatuses(200, 404) })
        .status === 200
    ) {
      visibleAfter.add(Date.now() - answeredAt);
      return;
    }
    sleep(0.02);
  }
  neverVisible.add(1);
}

export default visibility;
