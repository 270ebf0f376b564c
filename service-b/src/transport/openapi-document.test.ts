import type { OpenApiDocument } from '@calculator/proto';
import { describe, expect, it } from 'vitest';
import { HTTP_ERRORS, type HttpErrorCode } from './error-status.js';
import { createTestHttpServer } from './http-server.fake.js';

const V1_ROUTES = [
  'GET /v1/calculations/{eventId}',
  'GET /v1/openapi.json',
  'GET /v1/stream',
  'GET /v1/users/{userId}/calculations',
  'GET /v1/users/{userId}/stream',
  'GET /v1/users/{userId}/summary',
];

async function servedDocument() {
  const app = createTestHttpServer();
  const response = await app.inject({ method: 'GET', url: '/v1/openapi.json' });
  await app.close();
  expect(response.statusCode).toBe(200);
  return { app, document: response.json<OpenApiDocument>() };
}

interface ProblemSchema {
  required: string[];
  properties: { status: { enum: number[] }; code: { enum: HttpErrorCode[] } };
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: Record<string, unknown>;
}

describe('GET /v1/openapi.json', () => {
  it('describes every /v1 route and nothing else', async () => {
    const { app, document } = await servedDocument();
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(V1_ROUTES);
    for (const operation of operations) {
      const [method = '', path = ''] = operation.split(' ');
      expect(app.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') })).toBe(true);
    }
  });

  it('gives each operation an id, a summary and its responses', async () => {
    const { document } = await servedDocument();
    for (const methods of Object.values(document.paths)) {
      for (const operation of Object.values(methods)) {
        expect(operation).toMatchObject({ operationId: expect.any(String), summary: expect.any(String) });
        expect(Object.keys(operation.responses as object)).toContain('200');
      }
    }
  });

  it('describes every error response as a problem whose codes are those answered with its status', async () => {
    const { document } = await servedDocument();
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const operation of Object.values(methods)) {
        const responses = operation.responses as Record<string, { content: Record<string, { schema: ProblemSchema }> }>;
        expect(Object.keys(responses), path).toContain('500');
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) < 400) continue;
          const schema = response.content['application/problem+json']?.schema;
          expect(schema?.required, `${path} ${status}`).toEqual(['type', 'title', 'status', 'detail', 'code']);
          expect(schema?.properties.status.enum).toEqual([Number(status)]);
          for (const code of schema?.properties.code.enum ?? []) {
            expect(HTTP_ERRORS[code].status, `${path} ${status} ${code}`).toBe(Number(status));
          }
        }
      }
    }
  });

  it('carries the parameters and bounds fastify validates', async () => {
    const { document } = await servedDocument();
    const list = document.paths['/v1/users/{userId}/calculations']?.get ?? {};
    const listParameters = list.parameters as Parameter[];
    expect(listParameters.map((p) => `${p.in} ${p.name} ${p.required}`)).toEqual([
      'path userId true',
      'query limit false',
      'query cursor false',
    ]);
    expect(listParameters[1]?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500, default: 50 });
    expect(Object.keys(list.responses as object)).toEqual(['200', '400', '414', '500', '503']);

    const stream = document.paths['/v1/stream']?.get ?? {};
    expect((stream.parameters as Parameter[]).map((p) => `${p.in} ${p.name}`)).toEqual([
      'query lastEventId',
      'header last-event-id',
    ]);
    expect(stream.responses).toMatchObject({
      200: { content: { 'text/event-stream': { schema: { type: 'string' } } } },
      503: { content: { 'application/problem+json': { schema: { type: 'object' } } } },
    });
  });
});
