// The weight curve's series (web/src/WeightCurve.tsx): weighings and, on restricted days, the
// expected and threshold weights of each restriction period.
export interface Weighing {
  date_time: string;
  weight: number;
}
export interface RequirementRecord {
  date: string;
  weight?: number;
  weighing_at?: number | null;
  expected_weight: number;
  min_weight: number;
  percentage_weight?: number;
  given_water_total?: number;
  expected_water?: number;
  excess_water?: number;
  is_water_restricted?: boolean;
}
export interface Point {
  t: number;
  weight?: number;
  /** expected and minimum weight of restriction period k: `expected_<k>`, `min_<k>` */
  [series: string]: number | undefined;
}

const dayMs = (iso: string) => Date.parse(`${iso.slice(0, 10)}T12:00:00Z`);
export const tick = (t: number) => new Date(t).toISOString().slice(0, 10);
const round = (v: number) => Math.round(v * 100) / 100;

export interface CurveData {
  points: Point[];
  periods: number;
  records: RequirementRecord[];
  weighings: number;
  expected: 'ok' | 'unavailable' | 'none';
}

/**
 * Merges weighings and the daily expected/minimum weights into one series keyed by time. Expected
 * and minimum weights exist only on restricted days, one pair of series per restriction period
 * (so that the lines stop between periods).
 */
export function mergeSeries(weighings: Weighing[], records: RequirementRecord[] | null): { points: Point[]; periods: number } {
  const points: Point[] = weighings
    .filter((w) => typeof w.weight === 'number' && w.date_time)
    .map((w) => ({ t: Date.parse(`${w.date_time.slice(0, 19)}Z`), weight: w.weight }));
  let period = -1;
  let inside = false;
  for (const r of [...(records ?? [])].sort((a, b) => a.date.localeCompare(b.date))) {
    const restricted = r.is_water_restricted !== false && !!r.expected_weight;
    if (!restricted) {
      inside = false;
      continue;
    }
    if (!inside) period++;
    inside = true;
    const p: Point = { t: dayMs(r.date), [`expected_${period}`]: round(r.expected_weight) };
    if (r.min_weight) p[`min_${period}`] = round(r.min_weight);
    points.push(p);
  }
  return { points: points.sort((a, b) => a.t - b.t), periods: period + 1 };
}

