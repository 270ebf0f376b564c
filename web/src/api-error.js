/** The request properties of POST /v1/sum an error can name. */
export const SUM_FIELDS = /** @type {const} */ (['userId', 'operands', 'requestId']);

/**
 * @typedef {typeof SUM_FIELDS[number]} SumField
 * @typedef {object} ApiError
 * @property {number} status
 * @property {string | undefined} code
 * @property {string} detail
 * @property {SumField | undefined} field The request property at fault; undefined for a general error.
 */

/** @param {unknown} value @returns {value is SumField} */
const isSumField = (value) =>
  typeof value === 'string' && /** @type {readonly string[]} */ (SUM_FIELDS).includes(value);

/** @type {Record<string, SumField>} */
const FIELD_SPELLINGS = {
  user_id: 'userId',
  userid: 'userId',
  operands: 'operands',
  request_id: 'requestId',
  requestid: 'requestId',
};

/**
 * The field an error message of the older `{code, message}` shape names: "user_id: is required",
 * "body/operands/1 must be number", "body must have required property 'userId'",
 * `request_id "r-1" was already used …`.
 * @param {string} message
 * @returns {SumField | undefined}
 */
export function fieldOfMessage(message) {
  const named = message.match(/^(?:body\/)?(user_?id|operands|request_?id)\b/i) ?? message.match(/property '(\w+)'/);
  return named?.[1] === undefined ? undefined : FIELD_SPELLINGS[named[1].toLowerCase()];
}

/**
 * Reads an error answer: RFC 9457 problem details `{type, title, status, detail, code, field?}`,
 * service-a's older `{code, message}`, service-b's `{statusCode, code, error, message}`, or a body
 * that is not JSON at all (a proxy's error page).
 * @param {number} status
 * @param {string} text The response body.
 * @returns {ApiError}
 */
export function readApiError(status, text) {
  /** @type {Record<string, unknown> | undefined} */
  let body;
  try {
    const parsed = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') body = parsed;
  } catch {
    body = undefined;
  }
  const code = typeof body?.code === 'string' ? body.code : undefined;
  if (typeof body?.detail === 'string') {
    return {
      status: typeof body.status === 'number' ? body.status : status,
      code,
      detail: body.detail,
      field: isSumField(body.field) ? body.field : undefined,
    };
  }
  if (typeof body?.message === 'string') {
    return { status, code, detail: body.message, field: fieldOfMessage(body.message) };
  }
  return {
    status,
    code,
    // The caller shows the status beside it.
    detail: 'the server gave no details',
    field: undefined,
  };
}
