// Water control: expected weight, water requirement and remaining water of a water-restricted
// subject (spec-core §4.2). Pure: it works on plain values loaded by the caller, so that a page
// of subjects is computed from a few batched queries, and the formulas are unit-testable.
//
// Times are naive wall-clock datetimes. Internally they are numbers: the milliseconds of that wall
// clock read as if it were UTC ("naive ms"), so day arithmetic is exact and needs no time zone.
// Weighings, water administrations and implant dates are converted from the server time zone to
// the lab's time zone; water-restriction times are not (upstream does the same, and the numbers
// must be identical).
import curves from './seed/reference-weights.json' with { type: 'json' };
import { zoneFormatter } from '../../rest/values.ts';

export const DAY_MS = 86_400_000;

/** Absolute minimum weight fraction (upstream setting WEIGHT_THRESHOLD). */
export const WEIGHT_THRESHOLD = 0.75;

/** Daily water requirement, mL per gram of implant-free body weight: more below the weight limit. */
export const WATER_ML_PER_G = { belowLimit: 0.05, normal: 0.04 } as const;

type Curve = Map<number, [number, number]>;
function toCurve(rows: number[][]): { table: Curve; min: number; max: number } {
  const table: Curve = new Map(rows.map(([w, m, s]) => [w, [m, s]]));
  const weeks = rows.map((r) => r[0]);
  return { table, min: Math.min(...weeks), max: Math.max(...weeks) };
}
const FEMALE = toCurve(curves.female);
const MALE = toCurve(curves.male);

/** Mean and standard deviation (g) of the reference growth curve at an age in weeks (clamped). */
export function expectedWeightMeanSd(sex: string | null | undefined, ageWeeks: number): [number, number] {
  const c = sex === 'M' ? MALE : FEMALE;
  const a = Math.min(Math.max(ageWeeks, c.min), c.max);
  return c.table.get(a)!;
}

// ---------------------------------------------------------------------------------------------
// naive datetime helpers

const NAIVE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?$/;

/** "2024-03-12 10:00:00.5" / "2024-03-12T10:00:00" / "2024-03-12" → naive ms. */
export function naiveMs(value: string | Date): number {
  if (value instanceof Date) return value.getTime();
  const m = NAIVE_RE.exec(value.trim());
  if (!m) throw new Error(`not a naive datetime: ${value}`);
  const frac = (m[7] ?? '').padEnd(6, '0');
  return (
    Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) + Math.floor(Number(frac) / 1000)
  );
}

/** naive ms → "YYYY-MM-DD". */
export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** naive ms → "YYYY-MM-DDTHH:MM:SS" (Django output, milliseconds when non-zero). */
export function isoDateTime(ms: number): string {
  const s = new Date(ms).toISOString().replace('Z', '');
  return s.endsWith('.000') ? s.slice(0, 19) : s + '000';
}
/** Python's str(datetime): "YYYY-MM-DD HH:MM:SS". */
export const pyDateTime = (ms: number) => isoDateTime(ms).replace('T', ' ');

const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/** Python's timedelta.days of (b - a): whole days, floored. */
const daysBetween = (a: number, b: number) => Math.floor((b - a) / DAY_MS);

function exactWallClockMs(epochMs: number, tz: string): number {
  const parts = zoneFormatter(tz).formatToParts(new Date(epochMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall + (((epochMs % 1000) + 1000) % 1000);
}

const HOUR_MS = 3600e3;
/** zone -> epoch hour -> the zone's offset (ms) throughout that hour, or null when it changes in it */
const offsetByHour = new Map<string, Map<number, number | null>>();

/**
 * Wall clock of an instant (epoch ms) in a zone, as naive ms. formatToParts is slow and a page
 * of subjects converts tens of thousands of instants, so the offset is kept per hour: the same
 * at the hour's first and last second means the same throughout it (no zone changes twice in
 * an hour); an hour with a transition is converted exactly.
 */
export function wallClockMs(epochMs: number, tz: string): number {
  let byHour = offsetByHour.get(tz);
  if (!byHour) offsetByHour.set(tz, (byHour = new Map()));
  const hour = Math.floor(epochMs / HOUR_MS);
  let offset = byHour.get(hour);
  if (offset === undefined) {
    const start = hour * HOUR_MS;
    const last = start + HOUR_MS - 1000;
    const a = exactWallClockMs(start, tz) - start;
    offset = exactWallClockMs(last, tz) - last === a ? a : null;
    if (byHour.size >= 200_000) byHour.clear();
    byHour.set(hour, offset);
  }
  return offset === null ? exactWallClockMs(epochMs, tz) : epochMs + offset;
}

/** The instant of a wall clock in a zone (the earlier one in a DST overlap). */
export function instantOf(naive: number, tz: string): number {
  let guess = naive - (wallClockMs(naive, tz) - naive);
  for (let i = 0; i < 2; i++) {
    const diff = wallClockMs(guess, tz) - naive;
    if (diff === 0) break;
    guess -= diff;
  }
  return guess;
}

/** Converts a naive wall clock from one zone to another. */
export function convertNaive(naive: number, fromTz: string, toTz: string): number {
  if (fromTz === toTz) return naive;
  return wallClockMs(instantOf(naive, fromTz), toTz);
}

export { isValidTimeZone } from '../../rest/values.ts';

// ---------------------------------------------------------------------------------------------

export interface WaterInputs {
  nickname: string;
  /** "YYYY-MM-DD" or null */
  birthDate: string | null;
  sex: string | null;
  referenceWeightPct: number;
  zscoreWeightPct: number;
  /** server time zone (storage) and the lab's time zone (water control) */
  serverTimeZone: string;
  labTimeZone: string;
  /** the current instant, epoch ms (tests fix it) */
  now: number;
  /** (start_time, implant_weight) of the subject's surgeries, any order; naive server time */
  surgeries: Array<{ start_time: string | null; implant_weight: number | null }>;
  /** (start_time, end_time, reference_weight) of the subject's water restrictions */
  restrictions: Array<{ start_time: string | null; end_time: string | null; reference_weight: number | null }>;
  administrations: Array<{ date_time: string | null; water_administered: number | null; session: string | null }>;
  weighings: Array<{ date_time: string | null; weight: number }>;
  /** absolute minimum threshold (default WEIGHT_THRESHOLD) */
  weightThreshold?: number;
}

export class WaterDataError extends Error {}

type Restriction = { start: number; end: number | null; ref: number };

export interface WaterRecord {
  date: string;
  weight: number;
  weighing_at: number | null;
  reference_weight: number;
  expected_weight: number;
  min_weight: number;
  percentage_weight: number;
  given_water_reward: number;
  given_water_supplement: number;
  given_water_total: number;
  expected_water: number;
  excess_water: number;
  is_water_restricted: boolean;
  implant_weight: number;
}

/**
 * The water-control state of one subject. Method arguments are lab-local naive ms; an omitted
 * date means "now in the lab" (with the same quirks as upstream about where that matters).
 */
export class WaterControl {
  readonly nickname: string;
  readonly sex: string | null;
  readonly birth: number | null;
  readonly rwPct: number;
  readonly zwPct: number;
  readonly labTz: string;
  readonly nowEpoch: number;
  readonly implants: Array<[number, number]>;
  readonly restrictions: Restriction[];
  readonly refOverride: [number, number] | null;
  readonly admins: Array<[number, number | null, string | null]>;
  readonly weighings: Array<[number, number]>;
  /** (fraction, level) sorted ascending by fraction */
  readonly thresholds: Array<[number, 'orange' | 'red']>;

  constructor(input: WaterInputs) {
    const conv = (s: string) => convertNaive(naiveMs(s), input.serverTimeZone, input.labTimeZone);
    this.nickname = input.nickname;
    this.sex = input.sex;
    this.birth = input.birthDate ? naiveMs(input.birthDate) + 12 * 3600_000 : null;
    this.rwPct = input.referenceWeightPct;
    this.zwPct = input.zscoreWeightPct;
    this.labTz = input.labTimeZone;
    this.nowEpoch = input.now;
    const byTime = <T extends [number, ...unknown[]]>(a: T, b: T) => a[0] - b[0];
    this.implants = input.surgeries
      .filter((s) => s.start_time !== null && s.implant_weight)
      .map((s) => [conv(s.start_time!), s.implant_weight!] as [number, number])
      .sort(byTime);
    for (const r of input.restrictions) {
      if (r.start_time === null) {
        throw new WaterDataError(`a water restriction of ${input.nickname} has no start time`);
      }
    }
    this.restrictions = input.restrictions
      .map((r) => ({ start: naiveMs(r.start_time!), end: r.end_time ? naiveMs(r.end_time) : null, ref: r.reference_weight ?? 0 }))
      .sort((a, b) => a.start - b.start);
    const last = this.restrictions.at(-1);
    this.refOverride = last && last.ref ? [last.start, last.ref] : null;
    this.admins = input.administrations
      .filter((a) => a.date_time !== null)
      .map((a) => [conv(a.date_time!), a.water_administered, a.session] as [number, number | null, string | null])
      .sort(byTime);
    this.weighings = input.weighings
      .filter((w) => w.date_time !== null)
      .map((w) => [conv(w.date_time!), w.weight] as [number, number])
      .sort(byTime);
    const thresholds: Array<[number, 'orange' | 'red']> = [[this.rwPct + this.zwPct, 'orange']];
    const absMin = input.weightThreshold ?? WEIGHT_THRESHOLD;
    if (absMin) thresholds.push([absMin, 'red']);
    this.thresholds = thresholds.sort((a, b) => a[0] - b[0]);
  }

  /** Now, as lab-local naive ms. */
  today(): number {
    return wallClockMs(this.nowEpoch, this.labTz);
  }

  minPercentage(): number {
    return this.thresholds[this.thresholds.length - 1][0] * 100;
  }

  weeks(t: number): number {
    if (this.birth === null) return 0;
    return Math.floor(daysBetween(this.birth, t) / 7);
  }

  firstDate(): number | null {
    const cands: number[] = [];
    if (this.admins.length) cands.push(this.admins[0][0]);
    if (this.weighings.length) cands.push(this.weighings[0][0]);
    if (cands.length) return Math.min(...cands);
    return this.birth;
  }

  /** Start of the restriction in force at D, or null. */
  waterRestrictionAt(d = this.today()): number | null {
    let found: Restriction | null = null;
    for (const r of this.restrictions) if (dayOf(r.start) <= dayOf(d)) found = r;
    if (!found) return null;
    if (found.end !== null && d > found.end) return null;
    return found.start;
  }

  isWaterRestricted(d = this.today()): boolean {
    return this.waterRestrictionAt(d) !== null;
  }

  /** Start of the last restriction if it has no end (upstream's current_water_restriction). */
  currentWaterRestriction(): number | null {
    const last = this.restrictions.at(-1);
    return last && last.end === null ? last.start : null;
  }

  lastWeighingBefore(d = this.today()): [number, number] | null {
    for (let i = this.weighings.length - 1; i >= 0; i--) if (dayOf(this.weighings[i][0]) <= dayOf(d)) return this.weighings[i];
    return null;
  }

  weight(d = this.today()): number {
    return this.lastWeighingBefore(d)?.[1] ?? 0;
  }

  weighingAt(d = this.today()): number | null {
    for (let i = this.weighings.length - 1; i >= 0; i--) if (dayOf(this.weighings[i][0]) === dayOf(d)) return this.weighings[i][1];
    return null;
  }

  implantWeight(d = this.today()): number {
    for (let i = this.implants.length - 1; i >= 0; i--) if (dayOf(this.implants[i][0]) <= dayOf(d)) return this.implants[i][1];
    return 0;
  }

  referenceImplantWeightAt(d = this.today()): number {
    return this.implantWeight(this.waterRestrictionAt(d) ?? d);
  }

  /** The reference (datetime, weight), implant included; `d` undefined means "today, override always applies". */
  referenceWeighingAt(d?: number): [number, number] | null {
    if (this.refOverride && (d === undefined || d >= this.refOverride[0])) return this.refOverride;
    const date = d ?? this.today();
    const s = this.waterRestrictionAt(date);
    if (s === null) return null;
    const r = this.restrictions.find((x) => x.start === s)!;
    if (r.ref === 0) return this.lastWeighingBefore(s);
    return [r.start, r.ref];
  }

  /** Implant-free reference weight. */
  referenceWeight(d?: number): number {
    const rw = this.referenceWeighingAt(d);
    if (!rw) return 0;
    return rw[1] - (this.referenceImplantWeightAt(d) || 0);
  }

  /** Implant-free expected weight from the growth curves. */
  zscoreWeight(d?: number): number {
    const date = d ?? this.today();
    const rw = this.referenceWeighingAt(date);
    if (!rw) return 0;
    const [refDate, refWeight] = rw;
    const refIw = this.referenceImplantWeightAt(date) || 0;
    if (this.birth === null) return 0;
    const [mRef, sRef] = expectedWeightMeanSd(this.sex, this.weeks(refDate));
    const z = (refWeight - refIw - mRef) / sRef;
    const [mDate, sDate] = expectedWeightMeanSd(this.sex, this.weeks(date));
    return sDate * z + mDate;
  }

  expectedWeight(d?: number): number {
    const sum = this.rwPct + this.zwPct;
    if (sum === 0) return 0;
    const pz = this.zwPct / sum;
    const pr = this.rwPct / sum;
    const iw = this.implantWeight(d) || 0;
    return pz * this.zscoreWeight(d) + pr * this.referenceWeight(d) + iw;
  }

  percentageWeight(d = this.today()): number {
    const iw = this.implantWeight(d) || 0;
    const w = this.weight(d);
    const e = this.expectedWeight(d);
    return e - iw > 0 ? (100 * (w - iw)) / (e - iw) : 0;
  }

  minWeight(d = this.today()): number {
    const iw = this.implantWeight(d) || 0;
    return this.zscoreWeight(d) * this.zwPct + this.referenceWeight(d) * this.rwPct + iw;
  }

  expectedWater(d = this.today()): number {
    const iw = this.implantWeight(d) || 0;
    const w = this.lastWeighingBefore(d)?.[1] ?? 0;
    const ew = this.expectedWeight(d) || 0;
    const limit = (this.rwPct + this.zwPct) * (ew - iw) + iw;
    return (w < limit ? WATER_ML_PER_G.belowLimit : WATER_ML_PER_G.normal) * (w - iw);
  }

  givenWater(d = this.today(), hasSession: boolean | null = null): number {
    let total = 0;
    for (const [t, v, ses] of this.admins) {
      if (dayOf(t) !== dayOf(d) || v === null) continue;
      if (hasSession === null || (hasSession && ses) || (!hasSession && !ses)) total += v;
    }
    return total;
  }

  remainingWater(d = this.today()): number {
    return this.expectedWater(d) - this.givenWater(d);
  }

  excessWater(d = this.today()): number {
    return -this.remainingWater(d);
  }

  /** Last water administration at or before D (full datetime comparison). */
  lastWaterAdministrationAt(d = this.today()): [number, number | null, string | null] | null {
    for (let i = this.admins.length - 1; i >= 0; i--) if (this.admins[i][0] <= d) return this.admins[i];
    return null;
  }

  /** 0 ok, 1 reminder (orange), 2 error (red). */
  weightStatus(d = this.today()): 0 | 1 | 2 {
    const threshold = Math.max(this.zwPct, this.rwPct);
    const w = this.percentageWeight(d);
    if (w === 0) return 0;
    if (w / 100 < threshold) return 2;
    if (w / 100 < threshold + 0.02) return 1;
    return 0;
  }

  record(d: number): WaterRecord {
    return {
      date: isoDate(d),
      weight: this.weight(d),
      weighing_at: this.weighingAt(d),
      reference_weight: this.referenceWeight(d),
      expected_weight: this.expectedWeight(d),
      min_weight: this.minWeight(d),
      percentage_weight: this.percentageWeight(d),
      given_water_reward: this.givenWater(d, true),
      given_water_supplement: this.givenWater(d, false),
      given_water_total: this.givenWater(d),
      expected_water: this.expectedWater(d),
      excess_water: this.excessWater(d),
      is_water_restricted: this.isWaterRestricted(d),
      implant_weight: this.implantWeight(d),
    };
  }

  /**
   * One record per calendar day from start to end inclusive; start/end are "YYYY-MM-DD" (taken at
   * 12:00) or omitted (first weighing/administration, and now).
   */
  records(startDate?: string | null, endDate?: string | null): WaterRecord[] {
    const start = startDate ? naiveMs(startDate) + 12 * 3600_000 : this.firstDate();
    if (start === null) throw new WaterDataError(`${this.nickname} has no weighing, water administration or birth date to start from`);
    const end = endDate ? naiveMs(endDate) + 12 * 3600_000 : this.today();
    const out: WaterRecord[] = [];
    const n = dayOf(end) - dayOf(start);
    for (let i = 0; i <= n; i++) out.push(this.record(start + i * DAY_MS));
    return out;
  }

  /** The values the subject endpoints show. */
  subjectSummary(): { reference_weight: number; last_water_restriction: string | null; expected_water: number; remaining_water: number } {
    const wr = this.waterRestrictionAt();
    return {
      reference_weight: this.referenceWeight(),
      last_water_restriction: wr === null ? null : isoDateTime(wr),
      expected_water: this.expectedWater(),
      remaining_water: this.remainingWater(),
    };
  }
}
