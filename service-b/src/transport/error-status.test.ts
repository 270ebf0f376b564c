import { describe, expect, it } from 'vitest';
import { NotFoundError, TooManyStreamsError } from '../errors.js';
import { HTTP_ERRORS, type HttpErrorCode, httpProblem, problemOf } from './error-status.js';

describe('the HTTP error table', () => {
  it('gives every code a type of its own and a title', () => {
    const codes = Object.keys(HTTP_ERRORS) as HttpErrorCode[];
    expect(new Set(codes.map((code) => problemOf(code, 'd').type)).size).toBe(codes.length);
    expect(problemOf('ERR_NOT_FOUND', 'user u not found')).toEqual({
      type: 'urn:calculator:service-b:not-found',
      title: 'Not found',
      status: 404,
      detail: 'user u not found',
      code: 'ERR_NOT_FOUND',
    });
  });

  it("maps the service's own errors without logging them", () => {
    expect(httpProblem(new NotFoundError('user u'))).toMatchObject({ problem: { status: 404 }, log: false });
    expect(httpProblem(new TooManyStreamsError(3))).toMatchObject({
      problem: {
        status: 503,
        code: 'ERR_TOO_MANY_STREAMS',
        detail: 'this instance already serves its maximum of 3 streams',
      },
      log: false,
    });
  });

  it('names the parameter of a validation error, from its path or as the missing one', () => {
    const validation = (instancePath: string, keyword: string, params = {}) =>
      Object.assign(new Error('m'), { statusCode: 400, validation: [{ instancePath, keyword, params }] });
    expect(httpProblem(validation('/limit', 'minimum')).problem).toMatchObject({
      code: 'ERR_VALIDATION',
      field: 'limit',
    });
    expect(httpProblem(validation('', 'required', { missingProperty: 'userId' })).problem.field).toBe('userId');
    expect(httpProblem(validation('', 'type')).problem).not.toHaveProperty('field');
  });

  it('answers another client error of fastify as ERR_BAD_REQUEST, anything else as ERR_INTERNAL, logged', () => {
    const clientError = Object.assign(new Error('odd'), { statusCode: 400, code: 'FST_ERR_SOMETHING' });
    expect(httpProblem(clientError)).toMatchObject({ problem: { status: 400, code: 'ERR_BAD_REQUEST' }, log: false });
    expect(httpProblem(new Error('connection refused'))).toEqual({
      problem: problemOf('ERR_INTERNAL', 'internal error'),
      log: true,
    });
  });
});
