import { describe, it, expect } from 'vitest';
import { renderGroupedBarChart, niceCeiling, xmlEscape, CHART } from '../../bench/chart.js';
import { chartFor, type Row } from '../../bench/modes.js';
import { parseXml, allElements } from './xml.js';

const spec = {
  title: 'cost <by> mode & workload',
  yLabel: 'relative cost (1.0 = bare)',
  series: ['bare', 'kvm', 'krustvm'],
  reference: 1,
  groups: [
    { label: 'sha256', values: { bare: 1, kvm: 1.5, krustvm: 2 } },
    { label: 'fork & "exec"', values: { bare: 1, kvm: 3, krustvm: undefined } },
  ],
};

describe('the xml checker used below', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x=1/>')).toThrow();
    expect(() => parseXml('<a>1 < 2</a>')).toThrow();
    expect(() => parseXml('<a>R&D</a>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow();
    expect(parseXml('<a x="&lt;1&amp;">t&gt;<b/></a>').attrs.x).toBe('<1&');
  });
});

describe('renderGroupedBarChart', () => {
  const svg = renderGroupedBarChart(spec);
  const root = parseXml(svg);
  const els = allElements(root);
  const bars = els.filter((e) => e.name === 'rect' && e.attrs.class === 'bar');

  it('is a well-formed svg document with its size declared', () => {
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(Number(root.attrs.width)).toBeGreaterThan(0);
    expect(Number(root.attrs.height)).toBe(CHART.top + CHART.plotHeight + CHART.bottom);
    expect(root.attrs.viewBox).toBe(`0 0 ${root.attrs.width} ${root.attrs.height}`);
  });

  it('draws one bar per mode and workload that has a value, and n/a for the missing one', () => {
    expect(bars.map((b) => `${b.attrs['data-group']}/${b.attrs['data-series']}`)).toEqual(
      ['sha256/bare', 'sha256/kvm', 'sha256/krustvm', 'fork & "exec"/bare', 'fork & "exec"/kvm']);
    expect(els.filter((e) => e.name === 'text' && e.text === 'n/a')).toHaveLength(1);
  });

  it('makes bar heights proportional to the values and stands them on the axis', () => {
    const h = (i: number) => Number(bars[i].attrs.height);
    expect(h(1) / h(0)).toBeCloseTo(1.5, 2);
    expect(h(2) / h(0)).toBeCloseTo(2, 2);
    expect(h(4) / h(3)).toBeCloseTo(3, 2);
    for (const b of bars) expect(Number(b.attrs.y) + Number(b.attrs.height)).toBeCloseTo(CHART.top + CHART.plotHeight, 1);
    // The tallest value (3) fits: the axis goes to a round number above it.
    expect(h(4)).toBeLessThanOrEqual(CHART.plotHeight);
  });

  it('puts the 1.0 line at the height of a bar of value 1', () => {
    const ref = els.find((e) => e.name === 'line' && e.attrs.class === 'reference')!;
    expect(Number(ref.attrs.y1)).toBeCloseTo(Number(bars[0].attrs.y), 1);
  });

  it('has the title escaped, axis label and a legend entry per mode', () => {
    const texts = els.filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toContain('cost <by> mode & workload');
    expect(texts).toContain('relative cost (1.0 = bare)');
    expect(texts).toContain('fork & "exec"');
    expect(els.filter((e) => e.attrs.class === 'legend')).toHaveLength(3);
    for (const m of spec.series) expect(texts).toContain(m);
  });

  it('gives each mode its own colour, the same in every group', () => {
    const fill = (g: string, s: string) => bars.find((b) => b.attrs['data-group'] === g && b.attrs['data-series'] === s)!.attrs.fill;
    expect(new Set(spec.series.map((s) => fill('sha256', s))).size).toBe(3);
    expect(fill('fork & "exec"', 'kvm')).toBe(fill('sha256', 'kvm'));
  });

  it('copes with no data at all', () => {
    const r = parseXml(renderGroupedBarChart({ ...spec, groups: [] }));
    expect(allElements(r).some((e) => e.attrs.class === 'bar')).toBe(false);
  });
});

describe('chart helpers', () => {
  it('niceCeiling rounds up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5… × 10^k', () => {
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(1.08)).toBe(1.2);
    expect(niceCeiling(2.1)).toBeCloseTo(2.5);
    expect(niceCeiling(0.33)).toBeCloseTo(0.4);
    expect(niceCeiling(17)).toBe(20);
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(NaN)).toBe(1);
  });
  it('xmlEscape covers the five special characters', () => {
    expect(xmlEscape(`<a & "b" 'c'>`)).toBe('&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;');
  });
});

describe('chartFor (the modes report chart)', () => {
  it('charts the relative cost of each row per mode', () => {
    const row = (workload: string, relative: Record<string, number | undefined>): Row =>
      ({ workload, unit: 's', higherIsBetter: false, value: {}, hostS: {}, relative, samples: {} });
    const svg = chartFor([row('boot', { bare: 1, kvm: 1.2 }), row('tcp_rr', { bare: 1, kvm: undefined })], ['bare', 'kvm'], { engine: 'jit', repeats: 3 }, 'today');
    const bars = allElements(parseXml(svg)).filter((e) => e.attrs.class === 'bar');
    expect(bars.map((b) => Number(b.attrs['data-value']))).toEqual([1, 1.2, 1]);
  });
});
