// (a) CalculateSum through nginx at a fixed arrival rate (open model), checking every answer.
//   k6 run -e RATE=1000 -e DURATION=60s loadtest/grpc-calculate-sum.js
import { check } from 'k6';
import exec from 'k6/execution';
import grpc from 'k6/net/grpc';

const target = __ENV.GRPC_TARGET || '127.0.0.1:50051';
const client = new grpc.Client();
client.load(['../proto'], 'calculator/v1/calculator.proto');

export const options = {
  scenarios: {
    calculate_sum: {
      executor: 'constant-arrival-rate',
      exec: 'calculateSum',
      rate: Number(__ENV.RATE || 1000),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: Number(__ENV.VUS || 100),
      maxVUs: Number(__ENV.MAX_VUS || 400),
    },
  },
  thresholds: {
    'checks{scenario:calculate_sum}': ['rate==1'],
    'grpc_req_duration{scenario:calculate_sum}': ['p(99)<50'],
    // Always true: makes k6 report this scenario's own count and rate (the report reads them).
    'iterations{scenario:calculate_sum}': ['count>=0'],
  },
};

let connected = false;

/** Request ids are `<run id>-<iteration>`: a run id used before would make every call a replay. */
export function setup() {
  return { runId: __ENV.RUN_ID || `run-${Date.now()}` };
}

/** One CalculateSum with a unique request id; the answer's status and sum are checked. */
export function calculateSum({ runId }) {
  if (!connected) {
    client.connect(target, { plaintext: true });
    connected = true;
  }
  const user = `k6-${exec.vu.idInTest % 500}`;
  const a = exec.scenario.iterationInTest;
  const response = client.invoke('calculator.v1.CalculatorService/CalculateSum', {
    user_id: user,
    operands: [a, 1],
    request_id: `${runId}-${a}`,
  });
  check(response, {
    'status OK': (r) => r?.status === grpc.StatusOK,
    'sum correct': (r) => r?.message?.sum === a + 1,
  });
}

export default calculateSum;
