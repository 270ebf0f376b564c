import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The parts of a Grafana dashboard JSON (classic model) that its checks read. */
export interface Dashboard {
  uid: string;
  title: string;
  time: { from: string; to: string };
  panels: Panel[];
  templating: { list: Variable[] };
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string } };
  /** A collapsed row holds its panels here; an open row's panels follow it in `panels`. */
  panels?: Panel[];
}

export interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}

export interface Variable {
  name: string;
  type: string;
  allValue?: string;
  current?: { value?: string | string[] };
}

export const dashboardPath = resolve(import.meta.dirname, '../../stack/monitoring/grafana/dashboards/pipeline.json');

export function readDashboard(path = dashboardPath): Dashboard {
  return JSON.parse(readFileSync(path, 'utf8')) as Dashboard;
}

/** Every panel, rows included, with the panels of collapsed rows. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** The panels that query something: all but rows. */
export function queryPanels(dashboard: Dashboard): Panel[] {
  return allPanels(dashboard).filter((panel) => panel.type !== 'row');
}

/** The data source variable every panel and target names, so the dashboard imports into any Grafana. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template literal
export const datasourceRef = { type: 'prometheus', uid: '${datasource}' };

/**
 * What Grafana would send for `expr`: its interval variables as on a 5 s scrape interval
 * (`$__rate_interval` 1m, `$__interval` 15s), `$__range` as the dashboard's default time range, and each
 * template variable at its current value (All as the variable's allValue, several values as a regex
 * alternation). Anything it does not know is left in place, for the caller to find.
 */
export function expandExpr(expr: string, dashboard: Dashboard): string {
  const values = new Map<string, string>([
    ['__rate_interval', '1m'],
    ['__interval', '15s'],
    ['__range', rangeOf(dashboard)],
  ]);
  for (const variable of dashboard.templating.list) {
    const value = currentValue(variable);
    if (value !== undefined) values.set(variable.name, value);
  }
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    return values.get(braced ?? bare ?? '') ?? whole;
  });
}

function currentValue(variable: Variable): string | undefined {
  if (variable.type === 'datasource') return undefined;
  const current = variable.current?.value;
  const list = current === undefined ? [] : Array.isArray(current) ? current : [current];
  if (list.includes('$__all')) return variable.allValue;
  if (list.length === 1) return list[0];
  if (list.length > 1) return `(${list.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
  return undefined;
}

/** `now-1h` → `1h`: the length of the dashboard's default time range, as `$__range` is given to PromQL. */
function rangeOf(dashboard: Dashboard): string {
  const match = /^now-(\d+[smhdw])$/.exec(dashboard.time.from);
  if (!match?.[1] || dashboard.time.to !== 'now')
    throw new Error(`unexpected time range ${JSON.stringify(dashboard.time)}`);
  return match[1];
}

/**
 * Everything that would make the dashboard provision or read badly: duplicate ids, a panel without
 * the data source variable or without a query, a target without an expression or legend, a panel
 * outside the 24-column grid, two panels on the same cells, a panel above every row, and an
 * expression with a variable Grafana would not fill in. Each problem names its panel.
 */
export function dashboardProblems(dashboard: Dashboard): string[] {
  const problems: string[] = [];
  const panels = allPanels(dashboard);
  const seen = new Set<number>();
  for (const panel of panels) {
    if (seen.has(panel.id)) problems.push(`panel id ${panel.id} is used twice ("${panel.title}")`);
    seen.add(panel.id);
  }
  if (dashboard.panels[0]?.type !== 'row')
    problems.push('the first panel is not a row: every panel belongs to a stage');

  for (const panel of queryPanels(dashboard)) {
    const name = `"${panel.title}" (id ${panel.id})`;
    if (panel.datasource?.uid !== datasourceRef.uid) problems.push(`${name} does not use the $datasource variable`);
    if (!panel.fieldConfig?.defaults?.unit) problems.push(`${name} has no unit`);
    const targets = panel.targets ?? [];
    if (targets.length === 0) problems.push(`${name} has no target`);
    const refIds = new Set<string>();
    for (const target of targets) {
      if (refIds.has(target.refId)) problems.push(`${name} uses refId ${target.refId} twice`);
      refIds.add(target.refId);
      if (target.datasource?.uid !== datasourceRef.uid) {
        problems.push(`${name} target ${target.refId} does not use the $datasource variable`);
      }
      if (!target.expr?.trim()) problems.push(`${name} target ${target.refId} has no expression`);
      else if (expandExpr(target.expr, dashboard).includes('$')) {
        problems.push(`${name} target ${target.refId} has a variable Grafana would not fill in: ${target.expr}`);
      }
      if (!target.legendFormat?.trim()) problems.push(`${name} target ${target.refId} has no legend`);
    }
  }

  for (const panel of panels) {
    const { x, y, w, h } = panel.gridPos;
    if (!(w > 0 && h > 0 && x >= 0 && y >= 0 && x + w <= 24)) {
      problems.push(
        `"${panel.title}" (id ${panel.id}) lies outside the 24-column grid: ${JSON.stringify(panel.gridPos)}`,
      );
    }
  }
  // The open layout: a collapsed row's panels keep positions that only apply once it is expanded.
  for (const [i, a] of dashboard.panels.entries()) {
    for (const b of dashboard.panels.slice(i + 1)) {
      if (overlap(a.gridPos, b.gridPos)) problems.push(`"${a.title}" (id ${a.id}) overlaps "${b.title}" (id ${b.id})`);
    }
  }
  return problems;
}

function overlap(a: Panel['gridPos'], b: Panel['gridPos']): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The label names a legend shows, e.g. `p99 {{instance}}` → `instance`. */
export function legendLabels(legendFormat: string | undefined): string[] {
  return [...(legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] ?? '');
}
