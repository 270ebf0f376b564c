import { Status } from 'nice-grpc';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, RequestIdReusedError, WritesPausedError } from '../errors.js';
import { ERRORS, httpProblem, mapError, problemOf } from './error-status.js';

describe('mapError', () => {
  it('answers a reused request id with ALREADY_EXISTS / 422, naming the id, without logging', () => {
    expect(mapError(new RequestIdReusedError('r-1'))).toEqual({
      grpc: Status.ALREADY_EXISTS,
      http: 422,
      code: 'REQUEST_ID_REUSED',
      message:
        'request_id "r-1" was already used for a calculation with different input; send a new request_id for a new calculation',
      log: 'none',
    });
  });

  it('answers paused writes with UNAVAILABLE / 503 and the reason, logged by the probe rather than per call', () => {
    expect(mapError(new WritesPausedError('replication slot "s" does not exist'))).toEqual({
      grpc: Status.UNAVAILABLE,
      http: 503,
      code: 'WRITES_PAUSED',
      message: 'writes are paused: replication slot "s" does not exist; retry later',
      log: 'none',
    });
  });

  it('answers anything else with INTERNAL and no detail, and logs it', () => {
    expect(mapError(new Error('secret detail'))).toMatchObject({
      grpc: Status.INTERNAL,
      message: 'internal error',
      log: 'error',
    });
  });
});

describe('the HTTP problems', () => {
  it('gives every code a type of its own and a title', () => {
    const codes = Object.keys(ERRORS) as (keyof typeof ERRORS)[];
    const types = codes.map((code) => problemOf(code, 'd').type);
    expect(new Set(types).size).toBe(codes.length);
    expect(problemOf('WRITES_PAUSED', 'd')).toEqual({
      type: 'urn:calculator:service-a:writes-paused',
      title: 'Writes paused',
      status: 503,
      detail: 'd',
      code: 'WRITES_PAUSED',
    });
  });

  it('names the field of a rule as the JSON body does, keeping the index in the detail only', () => {
    expect(httpProblem(new InvalidArgumentError('operands[3]', 'must be a finite number')).problem).toMatchObject({
      status: 400,
      detail: 'operands[3]: must be a finite number',
      field: 'operands',
    });
    expect(httpProblem(new InvalidArgumentError('user_id', 'is required')).problem).toMatchObject({
      detail: 'userId: is required',
      field: 'userId',
    });
  });

  it('answers an error fastify raised with a client status as BAD_REQUEST, anything else as INTERNAL', () => {
    const clientError = Object.assign(new Error('odd'), { statusCode: 400, code: 'FST_ERR_SOMETHING' });
    expect(httpProblem(clientError)).toMatchObject({ problem: { status: 400, code: 'BAD_REQUEST' }, log: 'none' });
    const serverError = Object.assign(new Error('broken'), { statusCode: 500 });
    expect(httpProblem(serverError)).toMatchObject({
      problem: { status: 500, code: 'INTERNAL', detail: 'internal error' },
      log: 'error',
    });
  });
});
