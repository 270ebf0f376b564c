const numbers = new Intl.NumberFormat('en', { maximumFractionDigits: 6 });
const time = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hour12: false,
});

/** @param {number} n */
export const formatNumber = (n) => numbers.format(n);

/** Up to 8 operands, then how many more (a calculation can have 10,000). @param {number[]} operands */
export function operandsText(operands) {
  const shown = operands.slice(0, 8).map(formatNumber).join(', ');
  return operands.length > 8 ? `${shown}, … (${operands.length} in all)` : shown;
}

/** @param {string} iso */
export const formatTime = (iso) => time.format(new Date(iso));

/** @param {number} ms */
export const formatDuration = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

/**
 * A table cell with text (never markup: every value comes from the network).
 * @param {string} text
 * @param {string} [className]
 */
export function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/**
 * Finds an element the page's HTML must have, typed by its constructor.
 * @template {typeof HTMLElement | typeof SVGElement} T
 * @param {string} id
 * @param {T} type
 * @returns {InstanceType<T>}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return /** @type {InstanceType<T>} */ (element);
}
