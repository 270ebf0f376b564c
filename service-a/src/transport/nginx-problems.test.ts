import { readFileSync } from 'node:fs';
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type Problem, problemOf } from './error-status.js';
import { createHttpServer } from './http-server.js';

// nginx answers some errors of service-a's HTTP port itself; its bodies are copies of the ones
// error-status.ts builds, and this keeps them so.
const conf = readFileSync(new URL('../../../nginx/nginx.conf', import.meta.url), 'utf8');
const httpServer = conf.slice(conf.indexOf('NGINX_HTTP_PORT}'));

/** Every `location … { default_type …; return <status> '<body>'; }` of the HTTP server, by status. */
function nginxAnswers(): Map<number, { contentType: string | undefined; body: Problem }> {
  const answers = new Map<number, { contentType: string | undefined; body: Problem }>();
  const answer = /location [^{]+\{\s*default_type ([^;]+);\s*return (\d{3}) '([^']*)';\s*\}/g;
  for (const [, contentType, status, body = ''] of httpServer.matchAll(answer)) {
    answers.set(Number(status), { contentType, body: JSON.parse(body) as Problem });
  }
  return answers;
}

describe("nginx's own answers on service-a's HTTP port", () => {
  it('are problems of service-a, one per status nginx answers itself', () => {
    const answers = nginxAnswers();
    expect([...answers.keys()].sort()).toEqual([404, 413, 503, 504]);
    for (const [status, { contentType, body }] of answers) {
      expect(contentType).toBe('application/problem+json');
      expect(body).toEqual(problemOf(body.code, body.detail));
      expect(body.status).toBe(status);
    }
    expect([...answers.values()].map(({ body }) => body.code)).toEqual(
      expect.arrayContaining(['PAYLOAD_TOO_LARGE', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT', 'NOT_FOUND']),
    );
  });

  it('sends 502, 503 and 504 of its own to them, and 413 for a body over 1 MiB', () => {
    expect(httpServer).toMatch(/client_max_body_size 1m;\s+error_page 413 = @body_too_large;/);
    expect(httpServer).toMatch(/error_page 502 503 = @no_instance;\s+error_page 504 = @no_answer;/);
  });

  it('answers 413 with the very body service-a answers an oversized request with', async () => {
    const app = createHttpServer({
      calculator: {
        calculateSum: async () => ({ sum: 0, eventId: 'e', replayed: false }),
        calculateSums: async () => [],
      },
      registry: new Registry(),
      notReadyReasons: () => [],
      logger: pino({ level: 'silent' }),
      bodyLimitBytes: 16,
      tracer: trace.getTracer('test'),
    });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/sum',
      payload: { userId: 'alice', operands: [1, 2, 3] },
    });
    await app.close();
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual(nginxAnswers().get(413)?.body);
  });
});
