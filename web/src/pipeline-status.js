import { byId, cell, formatDuration, formatNumber } from './format.js';
import { linePath, niceMax } from './line-chart.js';
import { query, queryRange, scalarOf, targetsOf } from './prometheus.js';

/** @typedef {import('./prometheus.js').Target} Target */

const POLL_MS = 5000;
const CHART_WINDOW = { seconds: 15 * 60, stepSeconds: 15 };
const SVG = 'http://www.w3.org/2000/svg';
const CHART_BOX = { width: 300, height: 80 };

const PROMQL = {
  up: 'up',
  consumerLag: 'sum(kafka_consumer_lag_messages)',
  // increase() extrapolates to the window's edges; a count of letters is a whole number.
  deadLettered: 'round(sum(increase(events_processed_total{outcome="dead_lettered"}[1h])))',
  alerts: 'ALERTS{alertstate="firing"}',
  appliedRate: 'sum(rate(events_processed_total{outcome="applied"}[1m]))',
  endToEndP99: 'histogram_quantile(0.99, sum by (le) (rate(event_end_to_end_lag_seconds_bucket[1m])))',
};

/** Services that answer /readyz, reached by instance name through nginx. */
const HAS_READYZ = new Set(['service-a', 'service-b']);

/**
 * The pipeline at a glance, from Prometheus (nginx serves its query API read-only) and each service
 * instance's /readyz: every scrape target and whether it is ready, the consumer lag, dead letters,
 * firing alerts, and charts of the apply rate and the end-to-end lag over the last 15 minutes.
 * @param {{ onInstances: (serviceB: string[]) => void }} options
 */
export function mountPipelineStatus({ onInstances }) {
  const rows = byId('instance-rows', HTMLTableSectionElement);
  const lag = byId('consumer-lag', HTMLElement);
  const deadLetters = byId('dead-letters', HTMLElement);
  const alerts = byId('alerts-firing', HTMLElement);
  const updated = byId('pipeline-updated', HTMLElement);
  const rateChart = chart('rate-chart', 'Events applied per second', (v) => `${formatNumber(round(v))}/s`);
  const lagChart = chart('lag-chart', 'End-to-end lag p99', (v) => formatDuration(v * 1000));

  async function refresh() {
    try {
      const [up, consumerLag, dead, firing] = await Promise.all([
        query(PROMQL.up),
        query(PROMQL.consumerLag),
        query(PROMQL.deadLettered),
        query(PROMQL.alerts),
      ]);
      const targets = targetsOf(up);
      const readiness = await Promise.all(targets.map(readinessOf));
      rows.replaceChildren(...targets.map((target, i) => rowOf(target, readiness[i] ?? '')));
      onInstances(targets.filter((target) => target.job === 'service-b').map((target) => target.name));
      lag.textContent = numberOrNone(scalarOf(consumerLag), ' records');
      deadLetters.textContent = numberOrNone(scalarOf(dead), '');
      alerts.textContent =
        firing.length === 0 ? 'none' : [...new Set(firing.map((sample) => sample.metric.alertname))].join(', ');
      updated.textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}`;
      updated.dataset.state = 'ok';
    } catch (error) {
      updated.textContent = `Prometheus did not answer: ${String(error)}`;
      updated.dataset.state = 'error';
    }
  }

  async function refreshCharts() {
    const [rate, e2e] = await Promise.all([
      queryRange(PROMQL.appliedRate, CHART_WINDOW),
      queryRange(PROMQL.endToEndP99, CHART_WINDOW),
    ]).catch(() => [[], []]);
    rateChart.draw(rate[0]?.values ?? []);
    lagChart.draw(e2e[0]?.values ?? []);
  }

  void refresh();
  void refreshCharts();
  setInterval(refresh, POLL_MS);
  setInterval(refreshCharts, POLL_MS * 3);
}

/**
 * "ready", "not ready: <reasons>", "unreachable", or "" for a process without /readyz.
 * @param {Target} target
 */
async function readinessOf(target) {
  if (!HAS_READYZ.has(target.job)) return '';
  try {
    const response = await fetch(`/instances/${encodeURIComponent(target.name)}/readyz`);
    if (response.ok) return 'ready';
    if (response.status === 503) {
      const body = await response.json().catch(() => ({}));
      return `not ready${Array.isArray(body.reasons) ? `: ${body.reasons.join('; ')}` : ''}`;
    }
    return 'unreachable';
  } catch {
    return 'unreachable';
  }
}

/** @param {Target} target @param {string} readiness */
function rowOf(target, readiness) {
  const row = document.createElement('tr');
  row.dataset.instance = target.name;
  const name = document.createElement('th');
  name.scope = 'row';
  name.textContent = target.name;
  const ready = readiness === '' ? '–' : readiness;
  row.append(
    name,
    cell(target.address, 'id'),
    cell(target.up ? 'up' : 'down', target.up ? 'good' : 'bad'),
    cell(ready, readiness === 'ready' ? 'good' : readiness === '' ? '' : 'bad'),
  );
  row.dataset.up = String(target.up);
  row.dataset.ready = readiness;
  return row;
}

/** @param {number | undefined} value @param {string} unit */
const numberOrNone = (value, unit) =>
  value === undefined || Number.isNaN(value) ? 'no data' : `${formatNumber(round(value))}${unit}`;

/** @param {number} value */
const round = (value) => Math.round(value * 100) / 100;

/**
 * A line chart in an existing <svg>, described for screen readers by its aria-label.
 * @param {string} id
 * @param {string} title
 * @param {(value: number) => string} format
 */
function chart(id, title, format) {
  const svg = byId(id, SVGSVGElement);
  svg.setAttribute('viewBox', `0 0 ${CHART_BOX.width} ${CHART_BOX.height + 14}`);
  return {
    /** @param {[number, string][]} values */
    draw(values) {
      /** @type {[number, number][]} */
      const points = values.map(([time, value]) => [time, Number(value)]);
      const finite = points.map(([, value]) => value).filter(Number.isFinite);
      const max = niceMax(Math.max(0, ...finite));
      const to = Math.floor(Date.now() / 1000);
      const from = to - CHART_WINDOW.seconds;
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', linePath(points, { ...CHART_BOX, from, to, max }));
      path.setAttribute('class', 'line');
      const axis = document.createElementNS(SVG, 'path');
      axis.setAttribute('d', `M0,${CHART_BOX.height}H${CHART_BOX.width}`);
      axis.setAttribute('class', 'axis');
      const top = label(4, 10, `max ${format(max)}`);
      const left = label(4, CHART_BOX.height + 12, '15 min ago');
      const right = label(CHART_BOX.width - 4, CHART_BOX.height + 12, 'now');
      right.setAttribute('text-anchor', 'end');
      svg.replaceChildren(axis, path, top, left, right);
      const last = finite.at(-1);
      svg.setAttribute(
        'aria-label',
        finite.length === 0
          ? `${title}: no data in the last 15 minutes`
          : `${title} over the last 15 minutes: now ${format(last ?? 0)}, highest ${format(Math.max(...finite))}`,
      );
    },
  };
}

/** @param {number} x @param {number} y @param {string} text */
function label(x, y, text) {
  const element = document.createElementNS(SVG, 'text');
  element.setAttribute('x', String(x));
  element.setAttribute('y', String(y));
  element.setAttribute('class', 'label');
  element.textContent = text;
  return element;
}
