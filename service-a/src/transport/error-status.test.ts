import { Status } from 'nice-grpc';
import { describe, expect, it } from 'vitest';
import { RequestIdReusedError, WritesPausedError } from '../errors.js';
import { mapError } from './error-status.js';

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
