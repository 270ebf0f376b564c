import { STATUS_CODES } from 'node:http';

/** What fastify's onRoute hook reports of a route, as far as the document needs it. */
export interface DocumentedRoute {
  method: string | readonly string[];
  url: string;
  schema?: unknown;
}

type JsonObject = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, JsonObject>>;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const withoutUndefined = (object: JsonObject): JsonObject =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));

function parametersOf(schema: unknown, location: 'path' | 'query' | 'header'): JsonObject[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required: unknown[] = Array.isArray(schema.required) ? schema.required : [];
  return Object.entries(schema.properties).map(([name, property]) => {
    const { description, ...propertySchema } = isObject(property) ? property : {};
    return withoutUndefined({
      name,
      in: location,
      required: location === 'path' || required.includes(name),
      description,
      schema: propertySchema,
    });
  });
}

// A fastify response schema is either the JSON body's schema or, for other media types, OpenAPI's
// own `content` map; its `description` becomes the response's.
function responsesOf(response: unknown): JsonObject {
  if (!isObject(response)) return {};
  const responses: JsonObject = {};
  for (const [status, schema] of Object.entries(response)) {
    if (!isObject(schema)) continue;
    const { description, content, ...body } = schema;
    responses[status] = {
      description: typeof description === 'string' ? description : (STATUS_CODES[status] ?? status),
      content: isObject(content) ? content : { 'application/json': { schema: body } },
    };
  }
  return responses;
}

function operationOf(schema: JsonObject): JsonObject {
  return withoutUndefined({
    operationId: schema.operationId,
    summary: schema.summary,
    description: schema.description,
    parameters: [
      ...parametersOf(schema.params, 'path'),
      ...parametersOf(schema.querystring, 'query'),
      ...parametersOf(schema.headers, 'header'),
    ],
    requestBody: isObject(schema.body)
      ? { required: true, content: { 'application/json': { schema: schema.body } } }
      : undefined,
    responses: responsesOf(schema.response),
  });
}

/** OpenAPI 3.1 from the routes as registered, so it describes exactly what fastify validates and sends. */
export function buildOpenApiDocument(
  routes: readonly DocumentedRoute[],
  info: OpenApiDocument['info'],
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const operations = paths[path] ?? {};
    paths[path] = operations;
    for (const method of [route.method].flat()) {
      operations[method.toLowerCase()] = operationOf(isObject(route.schema) ? route.schema : {});
    }
  }
  return { openapi: '3.1.0', info, paths };
}
