import { readdir, readFile } from 'node:fs/promises';
import type { TransactionPool } from './in-transaction.js';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);
/** Held for the whole run, so instances starting together migrate one after the other. */
const MIGRATION_LOCK_KEY = 0x5eb1_0001;

/**
 * Applies, in name order, every migration file the `schema_migrations` ledger does not list yet,
 * each in its own transaction together with its ledger row. Returns the files it applied.
 */
export async function migrate(pool: TransactionPool): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((row) => row.name),
    );
    const applied: string[] = [];
    for (const file of files.filter((f) => !done.has(f))) {
      const sql = await readFile(new URL(file, MIGRATIONS_DIR), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (error) {
        // A failed ROLLBACK (the connection is gone) must not hide why the migration failed.
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      applied.push(file);
    }
    return applied;
  } finally {
    const unlocked = await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).then(
      () => true,
      () => false,
    );
    // A connection still holding the session lock must not go back to the pool: the next
    // instance's migration would wait for it forever. Closing it releases the lock.
    client.release(!unlocked);
  }
}
