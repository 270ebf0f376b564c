import { describe, expect, it } from 'vitest';
import { fieldOfMessage, readApiError } from './api-error.js';

describe('readApiError', () => {
  it('reads problem details and the field they name', () => {
    const body = JSON.stringify({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'operands[1]: must be a finite number',
      code: 'INVALID_ARGUMENT',
      field: 'operands',
    });
    expect(readApiError(400, body)).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      detail: 'operands[1]: must be a finite number',
      field: 'operands',
    });
  });

  it('keeps a problem without a field, or with one it does not know, a general error', () => {
    const problem = { title: 'Service Unavailable', status: 503, detail: 'writes are paused', code: 'WRITES_PAUSED' };
    expect(readApiError(503, JSON.stringify(problem)).field).toBeUndefined();
    expect(readApiError(400, JSON.stringify({ ...problem, field: 'constructor' })).field).toBeUndefined();
  });

  it('reads the older {code, message} shape and finds the field its message names', () => {
    expect(readApiError(400, '{"code":"INVALID_ARGUMENT","message":"user_id: is required"}')).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      detail: 'user_id: is required',
      field: 'userId',
    });
  });

  it('answers a body that is not JSON with its status, the detail saying no more (the caller shows the status)', () => {
    expect(readApiError(502, '<html>Bad Gateway</html>')).toEqual({
      status: 502,
      code: undefined,
      detail: 'the server gave no details',
      field: undefined,
    });
  });
});

describe('fieldOfMessage', () => {
  it.each([
    ['user_id: at most 128 characters', 'userId'],
    ["body must have required property 'userId'", 'userId'],
    ["body must have required property 'operands'", 'operands'],
    ['body/operands/0 must be number', 'operands'],
    ['operands[1]: must be a finite number', 'operands'],
    ['body/requestId must be string', 'requestId'],
    ['request_id "r-1" was already used for a calculation with different input', 'requestId'],
  ])('finds the field in %j', (message, field) => {
    expect(fieldOfMessage(message)).toBe(field);
  });

  it('names no field in a message about none', () => {
    expect(fieldOfMessage('too many calls waiting to be recorded (20001); retry with backoff')).toBeUndefined();
  });
});
