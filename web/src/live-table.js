import { createCalculationFeed, endToEndMs } from './calculation-feed.js';
import { byId, cell, formatDuration, formatNumber, formatTime, operandsText } from './format.js';

/** @typedef {import('./calculation-feed.js').Calculation} Calculation */

const ROWS_KEPT = 100;
/** After the stream is closed for good (an HTTP error, not a dropped connection): wait, then reopen. */
const REOPEN_DELAY_MS = 3000;
/** New rows are announced to screen readers at most this often, as one sentence. */
const ANNOUNCE_EVERY_MS = 10_000;

/**
 * The live table: one service-b instance's stream of calculations (all users, or one), newest on
 * top, each once. EventSource reconnects by itself after a drop and sends the last id it received
 * as Last-Event-ID; the service resumes after it. When the page switches instance or user, or the
 * stream was closed for good, it opens a new one with `?lastEventId=` the newest seq shown.
 * @param {{ initialInstance: string, onCalculation: (calculation: Calculation) => void }} options
 */
export function mountLiveTable({ initialInstance, onCalculation }) {
  const body = byId('live-rows', HTMLTableSectionElement);
  const status = byId('stream-status', HTMLElement);
  const instanceSelect = byId('stream-instance', HTMLSelectElement);
  const filterForm = byId('stream-filter', HTMLFormElement);
  const userFilter = byId('stream-user', HTMLInputElement);
  const announcer = byId('live-announcer', HTMLElement);
  const feed = createCalculationFeed(ROWS_KEPT);

  /** @type {EventSource | undefined} */
  let source;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let reopenTimer;
  let instance = initialInstance;
  let userId = '';
  let unannounced = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let announceTimer;

  /** @param {'connecting' | 'live' | 'reconnecting' | 'closed'} state @param {string} text */
  function setStatus(state, text) {
    status.dataset.state = state;
    status.dataset.instance = instance;
    // A status region is read out on every change: the same words again (each retry) stay silent.
    if (status.textContent !== text) status.textContent = text;
  }

  function streamUrl() {
    const path = userId === '' ? '/v1/stream' : `/v1/users/${encodeURIComponent(userId)}/stream`;
    const after = feed.lastSeq === undefined ? '' : `?lastEventId=${feed.lastSeq}`;
    return `/instances/${encodeURIComponent(instance)}${path}${after}`;
  }

  function open() {
    clearTimeout(reopenTimer);
    source?.close();
    const opened = new EventSource(streamUrl());
    source = opened;
    const who = userId === '' ? 'every user' : `user ${userId}`;
    setStatus('connecting', `Connecting to ${instance} (${who})…`);
    opened.addEventListener('open', () => setStatus('live', `Live from ${instance}: ${who}`));
    opened.addEventListener('calculation', (event) => {
      const calculation = /** @type {Calculation} */ (JSON.parse(/** @type {MessageEvent<string>} */ (event).data));
      if (!feed.accept(calculation)) return;
      body.prepend(rowOf(calculation));
      while (body.rows.length > ROWS_KEPT) body.lastElementChild?.remove();
      announce();
      onCalculation(calculation);
    });
    opened.addEventListener('error', () => {
      if (opened !== source) return;
      const after = feed.lastSeq === undefined ? '' : ` after seq ${feed.lastSeq}`;
      if (opened.readyState === EventSource.CONNECTING) {
        setStatus('reconnecting', `Lost ${instance}; reconnecting to resume${after}…`);
        return;
      }
      setStatus('closed', `${instance} refused the stream; trying again${after} in ${REOPEN_DELAY_MS / 1000} s…`);
      reopenTimer = setTimeout(open, REOPEN_DELAY_MS);
    });
  }

  function announce() {
    unannounced++;
    if (announceTimer !== undefined) return;
    announceTimer = setTimeout(() => {
      announcer.textContent = `${unannounced} new calculation${unannounced === 1 ? '' : 's'} in the live table`;
      unannounced = 0;
      announceTimer = undefined;
    }, ANNOUNCE_EVERY_MS);
  }

  instanceSelect.value = instance;
  instanceSelect.addEventListener('change', () => {
    instance = instanceSelect.value;
    open();
  });
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    userId = userFilter.value.trim();
    open();
  });
  open();

  return {
    /** Offers the instances the page knows of (from Prometheus), keeping the chosen one. @param {string[]} names */
    setInstances(names) {
      const known = [...instanceSelect.options].map((option) => option.value);
      if (names.length === 0 || names.join() === known.join()) return;
      instanceSelect.replaceChildren(...names.map((name) => new Option(name, name)));
      if (!names.includes(instance)) instanceSelect.add(new Option(instance, instance));
      instanceSelect.value = instance;
    },
  };
}

/** @param {Calculation} calculation */
function rowOf(calculation) {
  const row = document.createElement('tr');
  row.dataset.seq = calculation.seq;
  row.dataset.eventId = calculation.eventId;
  const seq = document.createElement('th');
  seq.scope = 'row';
  seq.textContent = calculation.seq;
  row.append(
    seq,
    cell(calculation.userId),
    cell(operandsText(calculation.operands), 'operands'),
    cell(formatNumber(calculation.sum), 'number sum'),
    cell(formatTime(calculation.createdAt)),
    cell(formatDuration(endToEndMs(calculation)), 'number'),
    cell(calculation.eventId, 'id'),
  );
  return row;
}
