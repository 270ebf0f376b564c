import { describe, expect, it } from 'vitest';
import { scalarOf, targetsOf } from './prometheus.js';

/** @param {string} job @param {string} instance @param {string} value */
const up = (job, instance, value = '1') => ({ metric: { __name__: 'up', job, instance }, value: [0, value] });

describe('targetsOf', () => {
  it('names the instances of a job in port order and a lone target after its job', () => {
    const targets = targetsOf([
      up('service-b', '127.0.0.1:3001', '0'),
      up('kafka', '127.0.0.1:9404'),
      up('service-b', '127.0.0.1:3000'),
    ]);
    expect(targets).toEqual([
      { job: 'kafka', address: '127.0.0.1:9404', name: 'kafka', up: true },
      { job: 'service-b', address: '127.0.0.1:3000', name: 'service-b-1', up: true },
      { job: 'service-b', address: '127.0.0.1:3001', name: 'service-b-2', up: false },
    ]);
  });

  it('orders ports as numbers, not as text', () => {
    const names = targetsOf([up('service-a', 'h:10000'), up('service-a', 'h:9999')]).map((t) => t.address);
    expect(names).toEqual(['h:9999', 'h:10000']);
  });

  it('orders container host names, as the compose stack addresses them', () => {
    const targets = targetsOf([up('service-a', 'service-a-2:9460'), up('service-a', 'service-a-1:9460')]);
    expect(targets.map((t) => `${t.name}=${t.address}`)).toEqual([
      'service-a-1=service-a-1:9460',
      'service-a-2=service-a-2:9460',
    ]);
  });
});

describe('scalarOf', () => {
  it('reads the first sample, and nothing from no sample', () => {
    expect(scalarOf([{ metric: {}, value: [0, '12.5'] }])).toBe(12.5);
    expect(scalarOf([])).toBeUndefined();
  });
});
