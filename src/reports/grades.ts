/**
 * @module The five grades of a report and their chart colours from REPORT_CHARTS_COLORS
 * (`PASS=#78F5AE,WARN=#FFBE54,FAIL=#FF6F61,INFO=#69C2FF,N/A=#BACCCC`; a grade left out keeps its
 * default). A malformed value stops start-up with the item named, rather than a report in
 * colours nobody chose.
 */
import { AppError } from '../lib/errors.ts';

export const GRADES = ['PASS', 'WARN', 'FAIL', 'INFO', 'N/A'] as const;
export type Grade = typeof GRADES[number];
export type GradeCounts = Record<Grade, number>;
export type ChartColors = Record<Grade, string>;

export const DEFAULT_CHART_COLORS: ChartColors = { PASS: '#78F5AE', WARN: '#FFBE54', FAIL: '#FF6F61', INFO: '#69C2FF', 'N/A': '#BACCCC' };

export function isGrade(s: string): s is Grade {
  return (GRADES as readonly string[]).includes(s);
}

export function emptyCounts(): GradeCounts {
  return { PASS: 0, WARN: 0, FAIL: 0, INFO: 0, 'N/A': 0 };
}

export function parseChartColors(spec: string): ChartColors {
  const out: ChartColors = { ...DEFAULT_CHART_COLORS };
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Z/]+)=(#[0-9A-Fa-f]{6})$/.exec(item);
    if (!m || !isGrade(m[1]!)) {
      throw new AppError('E_CONFIG_INVALID', `REPORT_CHARTS_COLORS item "${item.slice(0, 40)}" is not GRADE=#RRGGBB`, { hint: `use grades ${GRADES.join(', ')}, e.g. PASS=#78F5AE,WARN=#FFBE54` });
    }
    out[m[1] as Grade] = m[2]!.toUpperCase();
  }
  return out;
}
