import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createPool } from './pool.js';

describe('createPool', () => {
  it('handles the error a checked-out connection emits when Postgres shuts down', async () => {
    const pool = createPool('postgres://localhost:1/unused', 1, pino({ level: 'silent' }));
    // What pg-pool emits for each new connection; no connection is opened here.
    const client = new EventEmitter();
    pool.emit('connect', client as pg.PoolClient);
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(() => client.emit('error', shutdown)).not.toThrow();
    expect(() => pool.emit('error', shutdown, client as pg.PoolClient)).not.toThrow();
    await pool.end();
  });
});
