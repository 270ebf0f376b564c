import { UsageError } from '../errors.js';

/** Runs a `util.parseArgs` call, its complaints (unknown option, missing value) turned into UsageError. */
export function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A whole number written in decimal digits only: `--last 1e3` or `--partition -1` is a typo, not a value. */
export function parseWholeNumber(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${option} takes a whole number, not ${JSON.stringify(text)}`);
  }
  return value;
}
