import { readApiError, SUM_FIELDS } from './api-error.js';
import { byId, formatNumber } from './format.js';
import { parseOperands, sumRequestBody } from './parse-operands.js';

/** @typedef {import('./api-error.js').SumField} SumField */

/** The input and error element of each request property, by the ids in index.html. */
const INPUT_IDS = /** @type {const} */ ({ userId: 'user-id', operands: 'operands', requestId: 'request-id' });

/**
 * The form that sends POST /v1/sum: shows the answer, or the API's error next to the input it
 * names (aria-invalid, the error in the input's aria-describedby), or in the general error area.
 * @param {{ onAccepted: (answer: { userId: string, sum: number, eventId: string }) => void }} options
 */
export function mountSumForm({ onAccepted }) {
  const form = byId('sum-form', HTMLFormElement);
  const submit = byId('sum-submit', HTMLButtonElement);
  const result = byId('sum-result', HTMLElement);
  const generalError = byId('sum-error', HTMLElement);
  const operands = byId('operands', HTMLInputElement);
  const preview = byId('operands-preview', HTMLOutputElement);

  /** @param {SumField} field */
  const inputOf = (field) => byId(INPUT_IDS[field], HTMLInputElement);
  /** @param {SumField} field */
  const errorOf = (field) => byId(`${INPUT_IDS[field]}-error`, HTMLElement);

  const showPreview = () => {
    const parsed = parseOperands(operands.value);
    const numbers = parsed.filter((operand) => operand.value !== undefined).length;
    preview.value =
      parsed.length === 0
        ? 'No operands'
        : `${parsed.length} operand${parsed.length === 1 ? '' : 's'}` +
          (numbers < parsed.length ? `, ${parsed.length - numbers} not a number (sent as typed)` : '');
  };
  operands.addEventListener('input', showPreview);
  showPreview();

  function clearErrors() {
    for (const field of SUM_FIELDS) {
      inputOf(field).removeAttribute('aria-invalid');
      errorOf(field).textContent = '';
      errorOf(field).hidden = true;
    }
    generalError.textContent = '';
    generalError.hidden = true;
  }

  /** @param {import('./api-error.js').ApiError} error */
  function showError(error) {
    const text = error.code === undefined ? error.detail : `${error.detail} (${error.code})`;
    if (error.field === undefined) {
      generalError.textContent = error.status === 0 ? text : `HTTP ${error.status}: ${text}`;
      generalError.hidden = false;
      return;
    }
    const input = inputOf(error.field);
    const message = errorOf(error.field);
    message.textContent = text;
    message.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    result.textContent = '';
    delete result.dataset.eventId;
    const userId = inputOf('userId').value;
    const body = sumRequestBody({ userId, operands: operands.value, requestId: inputOf('requestId').value });
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch('/v1/sum', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/problem+json, application/json' },
        body,
      });
      const text = await response.text();
      if (!response.ok) {
        showError(readApiError(response.status, text));
        return;
      }
      const answer = JSON.parse(text);
      result.textContent = `Sum ${formatNumber(answer.sum)}, event id ${answer.eventId}`;
      result.dataset.eventId = answer.eventId;
      onAccepted({ userId, sum: answer.sum, eventId: answer.eventId });
    } catch (error) {
      showError({ status: 0, code: undefined, detail: `no answer: ${String(error)}`, field: undefined });
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}
