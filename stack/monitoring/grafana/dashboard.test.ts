import { describe, expect, it } from 'vitest';
import {
  type Dashboard,
  dashboardProblems,
  datasourceRef,
  expandExpr,
  legendLabels,
  queryPanels,
  readDashboard,
} from '../../../e2e/src/grafana-dashboard.js';

// The dashboard's lint: what would make it provision or read badly. Its queries are run against the
// real Prometheus by e2e/src/dashboard.e2e.test.ts.
const dashboard = readDashboard();

/** A small dashboard that passes every check, to break one thing at a time. */
function sound(): Dashboard {
  const target = { refId: 'A', datasource: datasourceRef, expr: 'up', legendFormat: '{{instance}}' };
  return {
    uid: 'x',
    title: 'x',
    time: { from: 'now-1h', to: 'now' },
    templating: { list: [{ name: 'datasource', type: 'datasource' }] },
    panels: [
      { id: 1, type: 'row', title: 'stage', gridPos: { x: 0, y: 0, w: 24, h: 1 } },
      {
        id: 2,
        type: 'timeseries',
        title: 'one',
        datasource: datasourceRef,
        fieldConfig: { defaults: { unit: 's' } },
        gridPos: { x: 0, y: 1, w: 12, h: 8 },
        targets: [target],
      },
      {
        id: 3,
        type: 'timeseries',
        title: 'two',
        datasource: datasourceRef,
        fieldConfig: { defaults: { unit: 's' } },
        gridPos: { x: 12, y: 1, w: 12, h: 8 },
        targets: [{ ...target }],
      },
    ],
  };
}

describe('the pipeline dashboard', () => {
  it('has no structural problem', () => {
    expect(dashboardProblems(dashboard)).toEqual([]);
  });

  it('has one row per stage of the data path, in its order', () => {
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((panel) => panel.title);
    const stages = [
      'nginx',
      'service-a',
      'Outbox',
      'Replication slot',
      'Kafka Connect',
      'Kafka:',
      'service-b',
      'Memory',
    ];
    const positions = stages.map((stage) => rows.findIndex((title) => title.includes(stage)));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('names the instance in the legend of every per-instance query', () => {
    const unnamed = queryPanels(dashboard).flatMap((panel) =>
      (panel.targets ?? [])
        .filter((target) => /by \([^)]*\binstance\b/.test(target.expr))
        .filter((target) => !legendLabels(target.legendFormat).includes('instance'))
        .map((target) => `${panel.title} ${target.refId}`),
    );
    expect(unnamed).toEqual([]);
  });

  it('opens with every gRPC method selected', () => {
    const method = dashboard.templating.list.find((variable) => variable.name === 'method');
    expect(expandExpr('x{method=~"$method"}', dashboard)).toBe(`x{method=~"${method?.allValue}"}`);
  });
});

describe('dashboardProblems', () => {
  it('finds nothing in a sound dashboard', () => {
    expect(dashboardProblems(sound())).toEqual([]);
  });

  it('names a duplicate id, a missing data source, a panel without queries and overlapping panels', () => {
    const broken = sound();
    const [, one, two] = broken.panels;
    if (!one || !two) throw new Error('the sound dashboard has three panels');
    two.id = 2;
    one.datasource = { type: 'prometheus', uid: 'some-uid' };
    two.targets = [];
    two.gridPos = { x: 6, y: 4, w: 12, h: 8 };
    expect(dashboardProblems(broken)).toEqual([
      'panel id 2 is used twice ("two")',
      '"one" (id 2) does not use the $datasource variable',
      '"two" (id 2) has no target',
      '"one" (id 2) overlaps "two" (id 2)',
    ]);
  });

  it('names a target Grafana could not fill in, one without a legend, a panel off the grid and one before any row', () => {
    const broken = sound();
    const [row, one, two] = broken.panels;
    if (!row || !one || !two) throw new Error('the sound dashboard has three panels');
    broken.panels = [one, two, { ...row, gridPos: { x: 0, y: 20, w: 24, h: 1 } }];
    one.targets = [{ refId: 'A', datasource: datasourceRef, expr: 'rate(x[$interval])' }];
    two.gridPos = { x: 20, y: 1, w: 8, h: 8 };
    expect(dashboardProblems(broken)).toEqual([
      'the first panel is not a row: every panel belongs to a stage',
      '"one" (id 2) target A has a variable Grafana would not fill in: rate(x[$interval])',
      '"one" (id 2) target A has no legend',
      '"two" (id 3) lies outside the 24-column grid: {"x":20,"y":1,"w":8,"h":8}',
    ]);
  });
});

describe('expandExpr', () => {
  const withMethod = (value: string | string[]): Dashboard => ({
    ...sound(),
    templating: { list: [{ name: 'method', type: 'query', allValue: '.+', current: { value } }] },
  });

  it('fills in the interval variables and the range as Grafana would for a 1 h range', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's braced variable syntax
    expect(expandExpr('increase(x[$__range]) / rate(y[$__rate_interval]) + z[${__interval}]', sound())).toBe(
      'increase(x[1h]) / rate(y[1m]) + z[15s]',
    );
  });

  it('fills in a variable at its current value: All as its allValue, several as an escaped alternation', () => {
    expect(expandExpr('x{m=~"$method"}', withMethod(['$__all']))).toBe('x{m=~".+"}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's braced variable syntax
    expect(expandExpr('x{m=~"${method}"}', withMethod('/a.B'))).toBe('x{m=~"/a.B"}');
    expect(expandExpr('x{m=~"$method"}', withMethod(['/a.B', '/c']))).toBe('x{m=~"(/a\\.B|/c)"}');
  });

  it('leaves a variable it does not know in place', () => {
    expect(expandExpr('rate(x[$unknown])', sound())).toBe('rate(x[$unknown])');
  });
});
