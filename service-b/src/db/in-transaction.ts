import type pg from 'pg';

/** A statement as pg takes it: text, or a named (prepared once per connection) statement. */
export type Statement = string | { name: string; text: string; values: unknown[] };

/** The part of a pooled connection a transaction needs. */
export interface TransactionClient {
  query<R extends pg.QueryResultRow>(statement: Statement, values?: unknown[]): Promise<{ rows: R[] }>;
  /** `true` closes the connection instead of returning it to the pool. */
  release(destroy?: boolean): void;
}

export interface TransactionPool {
  connect(): Promise<TransactionClient>;
}

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it
 * throws, and the connection back to the pool either way.
 */
export async function inTransaction<T>(
  pool: TransactionPool,
  work: (client: TransactionClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let discard = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is closed rather than handed to the next caller.
    discard = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    throw error;
  } finally {
    client.release(discard);
  }
}
