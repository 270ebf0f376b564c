import { readApiError } from './api-error.js';
import { endToEndMs } from './calculation-feed.js';
import { byId, cell, formatDuration, formatNumber, formatTime, operandsText } from './format.js';

/** @typedef {import('./calculation-feed.js').Calculation} Calculation */

const PAGE_SIZE = 10;

/**
 * A user's summary (count, total) and history, newest first, a page at a time through the
 * API's cursor (`nextCursor` of one page is the `cursor` of the next).
 */
export function mountUserHistory() {
  const form = byId('history-form', HTMLFormElement);
  const input = byId('history-user', HTMLInputElement);
  const summary = byId('history-summary', HTMLElement);
  const count = byId('history-count', HTMLElement);
  const total = byId('history-total', HTMLElement);
  const message = byId('history-message', HTMLElement);
  const rows = byId('history-rows', HTMLTableSectionElement);
  const more = byId('history-more', HTMLButtonElement);
  const table = byId('history-table', HTMLTableElement);

  let userId = '';
  /** @type {string | null} */
  let nextCursor = null;
  let pagesShown = 0;

  /** @param {string} path */
  async function getJson(path) {
    const response = await fetch(path, { headers: { accept: 'application/json' } });
    const text = await response.text();
    if (!response.ok) return { ok: false, status: response.status, error: readApiError(response.status, text) };
    return { ok: true, status: response.status, body: JSON.parse(text) };
  }

  async function loadSummary() {
    const asked = userId;
    const answer = await getJson(`/v1/users/${encodeURIComponent(asked)}/summary`);
    // Another user was picked meanwhile: this answer is no longer the one shown.
    if (asked !== userId) return;
    if (answer.ok) {
      count.textContent = formatNumber(answer.body.calculationCount);
      total.textContent = formatNumber(answer.body.total);
    } else {
      count.textContent = answer.status === 404 ? '0' : '–';
      total.textContent = answer.status === 404 ? '0' : '–';
      if (answer.status !== 404) message.textContent = `HTTP ${answer.status}: ${answer.error?.detail ?? ''}`;
    }
    summary.hidden = false;
  }

  /** @param {boolean} first */
  async function loadPage(first) {
    const asked = userId;
    const cursor = first || nextCursor === null ? '' : `&cursor=${encodeURIComponent(nextCursor)}`;
    const answer = await getJson(`/v1/users/${encodeURIComponent(asked)}/calculations?limit=${PAGE_SIZE}${cursor}`);
    if (asked !== userId) return;
    if (!answer.ok) {
      message.textContent = `HTTP ${answer.status}: ${answer.error?.detail ?? ''}`;
      return;
    }
    /** @type {Calculation[]} */
    const items = answer.body.items;
    if (first) rows.replaceChildren();
    rows.append(...items.map(rowOf));
    pagesShown = first ? 1 : pagesShown + 1;
    nextCursor = answer.body.nextCursor;
    more.hidden = nextCursor === null;
    table.hidden = rows.rows.length === 0;
    if (first && items.length === 0) message.textContent = `No calculations of ${userId} applied yet.`;
  }

  /** Shows `id`'s summary and first page. @param {string} id */
  async function show(id) {
    userId = id;
    input.value = id;
    message.textContent = '';
    nextCursor = null;
    if (userId === '') return;
    await Promise.all([loadSummary(), loadPage(true)]);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void show(input.value.trim());
  });
  more.addEventListener('click', () => void loadPage(false));

  return {
    show,
    /**
     * A calculation of the user shown was applied: refresh the summary, and the first page unless
     * older pages are open (reloading would fold them away).
     * @param {string} id
     */
    refreshIfShown(id) {
      if (id !== userId || userId === '') return;
      void loadSummary();
      if (pagesShown <= 1) void loadPage(true);
    },
  };
}

/** @param {Calculation} calculation */
function rowOf(calculation) {
  const row = document.createElement('tr');
  row.dataset.seq = calculation.seq;
  const seq = document.createElement('th');
  seq.scope = 'row';
  seq.textContent = calculation.seq;
  row.append(
    seq,
    cell(operandsText(calculation.operands), 'operands'),
    cell(formatNumber(calculation.sum), 'number'),
    cell(calculation.requestId ?? '–'),
    cell(formatTime(calculation.appliedAt)),
    cell(formatDuration(endToEndMs(calculation)), 'number'),
  );
  return row;
}
