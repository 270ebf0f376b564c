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
