import { describe, expect, it } from 'vitest';
import { createTestHttpServer } from './http-server.fake.js';

function serve(notReadyReasons: () => string[]) {
  return createTestHttpServer({ notReadyReasons });
}

describe('health endpoints', () => {
  it('answers /readyz 200 when nothing holds the instance back', async () => {
    const app = serve(() => []);
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
    await app.close();
  });

  it('answers /readyz 503 with the reasons, while /healthz stays 200', async () => {
    const app = serve(() => ['the database refuses writes']);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'not ready', reasons: ['the database refuses writes'] });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});
