import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Problem, problemOf } from './error-status.js';
import { createTestHttpServer } from './http-server.fake.js';

// nginx answers some errors of POST /v1/sum itself, on the HTTP port and on the web page's; its
// bodies are copies of the ones error-status.ts builds, and this keeps them so.
const conf = readFileSync(new URL('../../../nginx/nginx.conf', import.meta.url), 'utf8');
/** The text of the server block listening on `port` (the name of its variable). */
const serverOn = (port: string) => {
  const start = conf.indexOf(`listen \${STACK_HOST}:\${${port}};`);
  expect(start).toBeGreaterThan(0);
  return conf.slice(start, conf.indexOf('\n  server {', start));
};
const httpServer = serverOn('NGINX_HTTP_PORT');
const webServer = serverOn('WEB_PORT');

/** Every `location … { default_type …; return <status> '<body>'; }` of the HTTP server, by status. */
function nginxAnswers(server = httpServer): Map<number, { contentType: string | undefined; body: Problem }> {
  const answers = new Map<number, { contentType: string | undefined; body: Problem }>();
  const answer = /location [^{]+\{\s*default_type ([^;]+);\s*return (\d{3}) '([^']*)';\s*\}/g;
  for (const [, contentType, status, body = ''] of server.matchAll(answer)) {
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

  it("answers POST /v1/sum on the web page's port with the same problems", () => {
    const web = nginxAnswers(webServer);
    expect([...web.keys()].sort()).toEqual([413, 503, 504]);
    const http = nginxAnswers();
    for (const [status, answer] of web) expect(answer, String(status)).toEqual(http.get(status));
    const sum = webServer.slice(webServer.indexOf('location = /v1/sum {'));
    expect(sum).toMatch(
      /^location = \/v1\/sum \{\s+(#[^\n]*\s+)?error_page 413 = @body_too_large;\s+error_page 502 503 = @no_instance;\s+error_page 504 = @no_answer;/,
    );
  });

  it('answers 413 with the very body service-a answers an oversized request with', async () => {
    const app = createTestHttpServer({ bodyLimitBytes: 16 });
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
