// (b) POST /v1/sum (HTTP/JSON) through nginx at a fixed arrival rate, checking every answer.
//   k6 run -e RATE=500 -e DURATION=60s loadtest/http-calculate-sum.js
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';

const url = `${__ENV.HTTP_TARGET || 'http://127.0.0.1:8080'}/v1/sum`;
const params = { headers: { 'content-type': 'application/json' } };

export const options = {
  scenarios: {
    http_sum: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 500),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: Number(__ENV.VUS || 100),
      maxVUs: Number(__ENV.MAX_VUS || 400),
    },
  },
  thresholds: {
    checks: ['rate==1'],
    http_req_duration: ['p(99)<50'],
  },
};

/** Request ids are `<run id>-http-<iteration>`: a run id used before would make every call a replay. */
export function setup() {
  return { runId: __ENV.RUN_ID || `run-${Date.now()}` };
}

export default function ({ runId }) {
  const a = exec.scenario.iterationInTest;
  const body = JSON.stringify({
    userId: `k6-http-${exec.vu.idInTest % 500}`,
    operands: [a, 1],
    requestId: `${runId}-http-${a}`,
  });
  const response = http.post(url, body, params);
  check(response, {
    'status 200': (r) => r.status === 200,
    'sum correct': (r) => r.status === 200 && r.json('sum') === a + 1,
  });
}
