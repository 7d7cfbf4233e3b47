// A grouped bar chart as hand-written SVG (no dependency): one group per workload, one bar per
// series (hypervisor mode), a dashed reference line (1.0 = bare), axis labels and a legend.
// Used by bench/modes.ts for the figure that matches the KrustVM paper's normalised-overhead plot.

export interface ChartGroup {
  label: string;
  /** One value per series name; undefined draws no bar (the run gave no figure) and an "n/a". */
  values: Record<string, number | undefined>;
}

export interface ChartSpec {
  title: string;
  yLabel: string;
  series: string[];
  groups: ChartGroup[];
  /** Draws a dashed horizontal line at this value (1.0: no overhead). */
  reference?: number;
  subtitle?: string;
}

/** Layout constants, exported so tests can recompute bar heights from the geometry. */
export const CHART = { barWidth: 18, groupGap: 26, left: 70, right: 76, top: 74, plotHeight: 300, bottom: 96 } as const;

// Colour-blind-safe palette (Okabe–Ito), enough for a handful of modes.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/** Escapes text for an SVG text node or attribute value. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A round upper bound for the y axis (1, 1.2, 1.5, 2, 2.5, 3, 4, 5 × 10^k) at or above `max`. */
export function niceCeiling(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= max - 1e-12) return m * p;
  return 10 * p;
}

const LEGEND_STEP = 110;
const n2 = (x: number) => (Math.round(x * 100) / 100).toString();

export function renderGroupedBarChart(spec: ChartSpec): string {
  const { barWidth, groupGap, left, right, top, plotHeight, bottom } = CHART;
  const ns = spec.series.length;
  const groupWidth = Math.max(1, ns) * barWidth;
  const plotWidth = Math.max(200, ns * LEGEND_STEP, spec.groups.length * (groupWidth + groupGap) + groupGap);
  const width = left + plotWidth + right;
  const height = top + plotHeight + bottom;
  const finite = spec.groups.flatMap((g) => spec.series.map((s) => g.values[s])).filter((v): v is number => v !== undefined && Number.isFinite(v) && v >= 0);
  const yMax = niceCeiling(Math.max(spec.reference ?? 0, ...finite) * 1.08);
  const y = (v: number) => top + plotHeight - (v / yMax) * plotHeight;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${xmlEscape(spec.title)}</text>`);
  if (spec.subtitle) out.push(`<text x="${width / 2}" y="36" text-anchor="middle" fill="#555555">${xmlEscape(spec.subtitle)}</text>`);

  // Y axis: ticks and grid at fifths of the range.
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5, yy = n2(y(v));
    out.push(`<line x1="${left}" y1="${yy}" x2="${left + plotWidth}" y2="${yy}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${n2(y(v) + 4)}" text-anchor="end">${xmlEscape(n2(v))}</text>`);
  }
  out.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" stroke="#000000"/>`);
  out.push(`<line x1="${left}" y1="${top + plotHeight}" x2="${left + plotWidth}" y2="${top + plotHeight}" stroke="#000000"/>`);
  out.push(`<text transform="translate(18 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${xmlEscape(spec.yLabel)}</text>`);

  // Bars.
  spec.groups.forEach((g, gi) => {
    const gx = left + groupGap + gi * (groupWidth + groupGap);
    spec.series.forEach((s, si) => {
      const v = g.values[s];
      const x = gx + si * barWidth;
      if (v === undefined || !Number.isFinite(v) || v < 0) {
        out.push(`<text x="${x + barWidth / 2}" y="${top + plotHeight - 4}" text-anchor="middle" font-size="8" fill="#888888" transform="rotate(-90 ${x + barWidth / 2} ${top + plotHeight - 4})" dx="14">n/a</text>`);
        return;
      }
      const h = Math.min(plotHeight, (v / yMax) * plotHeight);
      out.push(`<rect class="bar" data-series="${xmlEscape(s)}" data-group="${xmlEscape(g.label)}" data-value="${v}" x="${x}" y="${n2(top + plotHeight - h)}" width="${barWidth - 2}" height="${n2(h)}" fill="${PALETTE[si % PALETTE.length]}"><title>${xmlEscape(`${g.label}, ${s}: ${v.toFixed(2)}`)}</title></rect>`);
      out.push(`<text x="${x + (barWidth - 2) / 2}" y="${n2(top + plotHeight - h - 3)}" text-anchor="middle" font-size="8">${xmlEscape(v.toFixed(2))}</text>`);
    });
    const cx = gx + groupWidth / 2, ly = top + plotHeight + 14;
    out.push(`<text x="${cx}" y="${ly}" text-anchor="end" transform="rotate(-30 ${cx} ${ly})">${xmlEscape(g.label)}</text>`);
  });

  if (spec.reference !== undefined) {
    const yy = n2(y(spec.reference));
    out.push(`<line class="reference" x1="${left}" y1="${yy}" x2="${left + plotWidth}" y2="${yy}" stroke="#cc0000" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${left + plotWidth + 4}" y="${n2(y(spec.reference) + 4)}" fill="#cc0000">${xmlEscape(n2(spec.reference))} = bare</text>`);
  }

  // Legend: one row between the title and the plot.
  spec.series.forEach((s, si) => {
    const lx = left + 10 + si * LEGEND_STEP, ly = top - 16;
    out.push(`<rect class="legend" x="${lx}" y="${ly - 9}" width="10" height="10" fill="${PALETTE[si % PALETTE.length]}"/>`);
    out.push(`<text x="${lx + 14}" y="${ly}">${xmlEscape(s)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
