/**
 * A calculation as service-b serves it (GET /v1/calculations/:eventId and each stream event).
 * @typedef {object} Calculation
 * @property {string} seq Position in apply order, a decimal string; the stream's event id.
 * @property {string} eventId
 * @property {string} userId
 * @property {number[]} operands
 * @property {number} sum
 * @property {string | null} requestId
 * @property {string} createdAt When service-a wrote it to the outbox.
 * @property {string} appliedAt When service-b applied it.
 */

/**
 * The rows of the live table, newest first, each calculation once. The stream sends in seq order
 * and resumes after the last seq it sent, so a seq at or below the newest seen is a repeat (after
 * a reconnect, or a switch to another instance or stream) and is dropped.
 * @param {number} capacity Rows kept; older ones fall off the end.
 */
export function createCalculationFeed(capacity) {
  /** @type {Calculation[]} */
  const rows = [];
  /** @type {bigint | undefined} */
  let newest;
  return {
    /**
     * @param {Calculation} calculation
     * @returns {boolean} whether it was new (and is now the first row)
     */
    accept(calculation) {
      const seq = BigInt(calculation.seq);
      if (newest !== undefined && seq <= newest) return false;
      newest = seq;
      rows.unshift(calculation);
      if (rows.length > capacity) rows.length = capacity;
      return true;
    },
    /** The seq to resume after, as the stream's `lastEventId`; undefined before the first row. */
    get lastSeq() {
      return newest?.toString();
    },
    /** @returns {readonly Calculation[]} */
    get rows() {
      return rows;
    },
  };
}

/**
 * Milliseconds from the outbox write to the apply in service-b.
 * @param {Pick<Calculation, 'createdAt' | 'appliedAt'>} calculation
 */
export const endToEndMs = (calculation) => Date.parse(calculation.appliedAt) - Date.parse(calculation.createdAt);
