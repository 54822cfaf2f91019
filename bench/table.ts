// The one table a run prints: figure, value, baseline from the same run, ratio, note.
export interface Row {
  figure: string;
  /** undefined: not measured in this run (the note says why). */
  value: number | undefined;
  unit: string;
  baseline?: number | undefined;
  baselineNote?: string;
  note?: string;
}

function fmt(v: number | undefined, unit = ''): string {
  if (v === undefined || Number.isNaN(v)) return 'n/a';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

export function ratio(r: Row): string {
  if (r.value === undefined || r.baseline === undefined || !r.baseline) return '';
  return `${(r.value / r.baseline).toFixed(2)}×`;
}

export function printTable(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.figure,
    fmt(r.value, r.unit),
    r.baseline === undefined ? '' : `${fmt(r.baseline, r.unit)} (${r.baselineNote ?? ''})`,
    ratio(r),
    r.note ?? '',
  ]);
  const head = ['figure', 'value', 'baseline (same run)', 'ratio', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}
