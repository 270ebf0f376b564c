/**
 * @typedef {object} Operand
 * @property {string} text What the user typed for this operand.
 * @property {string} json What is sent: a JSON number literal, or a JSON string for a non-number.
 * @property {number | undefined} value The number it reads as; undefined when it is none.
 */

const SEPARATORS = /[\s,;]+/;
/** A decimal number as people type it: sign, digits, at most one point, exponent (not hex, not "Infinity"). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Splits "1, 2 3.5" into operands. A number is sent as a JSON number; one too large for a double
 * is sent as one too (1e999), so the API, not the page, says it is not finite; anything else is
 * sent as the string typed, which the API refuses naming its position.
 * @param {string} text
 * @returns {Operand[]}
 */
export function parseOperands(text) {
  return text
    .split(SEPARATORS)
    .filter((token) => token !== '')
    .map((token) => {
      if (!DECIMAL.test(token)) return { text: token, json: JSON.stringify(token), value: undefined };
      const value = Number(token);
      if (Number.isFinite(value)) return { text: token, json: JSON.stringify(value), value };
      return { text: token, json: token.startsWith('-') ? '-1e999' : '1e999', value };
    });
}

/**
 * The body of POST /v1/sum, written by hand so an overflowing literal reaches the API as a number.
 * An empty request id is left out: the field is optional.
 * @param {{ userId: string, operands: string, requestId: string }} input
 * @returns {string}
 */
export function sumRequestBody({ userId, operands, requestId }) {
  const fields = [
    `"userId":${JSON.stringify(userId)}`,
    `"operands":[${parseOperands(operands)
      .map((operand) => operand.json)
      .join(',')}]`,
  ];
  if (requestId !== '') fields.push(`"requestId":${JSON.stringify(requestId)}`);
  return `{${fields.join(',')}}`;
}
