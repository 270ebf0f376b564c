import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi-document.js';

const info = { title: 'svc', version: '1' };

describe('buildOpenApiDocument', () => {
  it('turns path parameters into OpenAPI templates and each method into an operation', () => {
    const document = buildOpenApiDocument(
      [
        { method: ['GET', 'POST'], url: '/v1/users/:userId/items', schema: {} },
        { method: 'GET', url: '/v1/other' },
      ],
      info,
    );
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual(info);
    expect(Object.keys(document.paths)).toEqual(['/v1/users/{userId}/items', '/v1/other']);
    expect(Object.keys(document.paths['/v1/users/{userId}/items'] ?? {})).toEqual(['get', 'post']);
  });

  it('describes path, query and header parameters, the JSON body and each response from the route schema', () => {
    const document = buildOpenApiDocument(
      [
        {
          method: 'POST',
          url: '/v1/things/:id',
          schema: {
            operationId: 'putThing',
            params: { type: 'object', properties: { id: { type: 'string', description: 'the id' } } },
            querystring: { type: 'object', properties: { limit: { type: 'integer' } }, required: ['limit'] },
            headers: { type: 'object', properties: { 'last-event-id': { type: 'string' } } },
            body: { type: 'object', properties: { n: { type: 'number' } } },
            response: {
              200: { type: 'object', properties: { ok: { type: 'boolean' } } },
              400: {
                description: 'A problem',
                content: { 'application/problem+json': { schema: { type: 'object' } } },
              },
            },
          },
        },
      ],
      info,
    );
    expect(document.paths['/v1/things/{id}']?.post).toEqual({
      operationId: 'putThing',
      parameters: [
        { name: 'id', in: 'path', required: true, description: 'the id', schema: { type: 'string' } },
        { name: 'limit', in: 'query', required: true, schema: { type: 'integer' } },
        { name: 'last-event-id', in: 'header', required: false, schema: { type: 'string' } },
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object', properties: { n: { type: 'number' } } } } },
      },
      responses: {
        200: {
          description: 'OK',
          content: { 'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
        },
        400: { description: 'A problem', content: { 'application/problem+json': { schema: { type: 'object' } } } },
      },
    });
  });

  it('leaves out the request body of a route without one', () => {
    const document = buildOpenApiDocument([{ method: 'GET', url: '/v1/x', schema: { response: {} } }], info);
    expect(document.paths['/v1/x']?.get).toEqual({ parameters: [], responses: {} });
  });
});
