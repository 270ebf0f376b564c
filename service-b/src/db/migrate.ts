import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

/** Applies every migration file in name order; each is idempotent (IF NOT EXISTS), so a restart re-runs them safely. */
export async function migrate(pool: pg.Pool): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
  for (const file of files) {
    await pool.query(await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'));
  }
  return files;
}
