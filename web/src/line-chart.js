/**
 * @typedef {[number, number]} Point [time in seconds, value]; a NaN value is a gap.
 */

/**
 * An SVG path through the points, scaled to the box, with a gap wherever a value is not finite
 * (Prometheus answers NaN for a rate over no events).
 * @param {Point[]} points
 * @param {{ width: number, height: number, from: number, to: number, max: number }} box
 * @returns {string}
 */
export function linePath(points, { width, height, from, to, max }) {
  const span = to - from || 1;
  const top = max > 0 ? max : 1;
  let d = '';
  let pen = 'M';
  for (const [time, value] of points) {
    if (!Number.isFinite(value)) {
      pen = 'M';
      continue;
    }
    const x = ((time - from) / span) * width;
    const y = height - (Math.min(value, top) / top) * height;
    d += `${pen}${round(x)},${round(y)}`;
    pen = 'L';
  }
  return d;
}

/** A "nice" top for the axis: 1, 2 or 5 times a power of ten, at least the largest value. */
/** @param {number} value */
export function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((top) => top >= value) ?? 10 * power;
}

/** @param {number} n */
const round = (n) => Math.round(n * 10) / 10;
