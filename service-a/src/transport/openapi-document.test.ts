import type { OpenApiDocument } from '@calculator/proto';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './error-status.js';
import { createTestHttpServer } from './http-server.fake.js';

async function servedDocument() {
  const app = createTestHttpServer();
  const response = await app.inject({ method: 'GET', url: '/v1/openapi.json' });
  await app.close();
  expect(response.statusCode).toBe(200);
  return { app, document: response.json<OpenApiDocument>() };
}

interface Response {
  content: Record<string, { schema: { properties: Record<string, { enum?: unknown[] }>; required?: string[] } }>;
}

const responsesOf = (document: OpenApiDocument, path: string, method: string) =>
  (document.paths[path]?.[method]?.responses ?? {}) as Record<string, Response>;

const operationsOf = (document: OpenApiDocument) =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      responses: operation.responses as Record<string, Response>,
    })),
  );

describe('GET /v1/openapi.json', () => {
  it('describes /v1/sum, the health routes and itself, and nothing else', async () => {
    const { app, document } = await servedDocument();
    expect(document.openapi).toBe('3.1.0');
    const names = operationsOf(document).map(({ name }) => name);
    expect(names.sort()).toEqual(['GET /healthz', 'GET /readyz', 'GET /v1/openapi.json', 'POST /v1/sum']);
    for (const name of names) {
      const [method = '', url = ''] = name.split(' ');
      expect(app.hasRoute({ method, url })).toBe(true);
    }
  });

  it('gives POST /v1/sum its body and every status it can answer', async () => {
    const { document } = await servedDocument();
    const sum = document.paths['/v1/sum']?.post ?? {};
    expect(sum.requestBody).toMatchObject({
      content: { 'application/json': { schema: { required: ['userId', 'operands'] } } },
    });
    expect(Object.keys(sum.responses as object)).toEqual([
      '200',
      '400',
      '413',
      '415',
      '422',
      '429',
      '500',
      '503',
      '504',
    ]);
  });

  it('describes every error as a problem whose codes are those answered with its status', async () => {
    const { document } = await servedDocument();
    for (const { name, responses } of operationsOf(document)) {
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        const schema = response.content['application/problem+json']?.schema;
        expect(schema, `${name} ${status}`).toBeDefined();
        expect(schema?.required).toEqual(['type', 'title', 'status', 'detail', 'code']);
        expect(schema?.properties.status?.enum).toEqual([Number(status)]);
        for (const code of schema?.properties.code?.enum ?? []) {
          expect(ERRORS[code as keyof typeof ERRORS].http, `${name} ${status} ${code}`).toBe(Number(status));
        }
      }
    }
    const sumCodes = (status: number) =>
      responsesOf(document, '/v1/sum', 'post')[status]?.content['application/problem+json']?.schema.properties.code
        ?.enum;
    expect(sumCodes(400)).toEqual(['INVALID_ARGUMENT', 'MALFORMED_JSON', 'BAD_REQUEST']);
    expect(sumCodes(503)).toEqual(['OUTBOX_UNAVAILABLE', 'WRITES_PAUSED', 'SHUTTING_DOWN', 'SERVICE_UNAVAILABLE']);
  });

  it('keeps /readyz 503 a readiness answer, with the problem of a closing instance beside it', async () => {
    const { document } = await servedDocument();
    const readyz = responsesOf(document, '/readyz', 'get')[503];
    expect(Object.keys(readyz?.content ?? {})).toEqual(['application/json', 'application/problem+json']);
    expect(readyz?.content['application/json']?.schema.required).toEqual(['status', 'reasons']);
  });
});
