import { describe, expect, it } from 'vitest';
import { createProblemCatalog, PROBLEM_CONTENT_TYPE, validationField } from './problem-details.js';

const table = { ERR_NOT_FOUND: { status: 404, title: 'Not found' }, ERR_TOO_MANY: { status: 503, title: 'Full' } };
type Code = keyof typeof table;

describe('createProblemCatalog', () => {
  it('builds the type URN from the service and the code, lower case with dashes, without the code prefix', () => {
    const withPrefix = createProblemCatalog<Code>({
      service: 'svc',
      codePrefix: 'ERR_',
      entryOf: (code) => table[code],
    });
    const without = createProblemCatalog<Code>({ service: 'svc', entryOf: (code) => table[code] });
    expect(withPrefix.problemType('ERR_TOO_MANY')).toBe('urn:calculator:svc:too-many');
    expect(without.problemType('ERR_TOO_MANY')).toBe('urn:calculator:svc:err-too-many');
  });

  it("takes status and title from the service's table, and has a field only when one is given", () => {
    const catalog = createProblemCatalog<Code>({ service: 'svc', codePrefix: 'ERR_', entryOf: (code) => table[code] });
    expect(catalog.problemOf('ERR_NOT_FOUND', 'user u not found')).toEqual({
      type: 'urn:calculator:svc:not-found',
      title: 'Not found',
      status: 404,
      detail: 'user u not found',
      code: 'ERR_NOT_FOUND',
    });
    expect(Object.keys(catalog.problemOf('ERR_NOT_FOUND', 'x'))).not.toContain('field');
    expect(catalog.problemOf('ERR_TOO_MANY', 'full', 'limit')).toMatchObject({ status: 503, field: 'limit' });
  });

  it('names the RFC 9457 media type', () => {
    expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
  });
});

describe('validationField', () => {
  it('names the first step of the path, a missing required property, or nothing', () => {
    expect(validationField({ instancePath: '/operands/0', keyword: 'type', params: {} })).toBe('operands');
    expect(validationField({ instancePath: '', keyword: 'required', params: { missingProperty: 'userId' } })).toBe(
      'userId',
    );
    expect(validationField({ instancePath: '', keyword: 'type', params: {} })).toBeUndefined();
    expect(validationField(undefined)).toBeUndefined();
  });
});
