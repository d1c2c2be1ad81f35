// Pure rules of the subjects app (no database): ages, alive, automatic names, json.history,
// genotype strings, zygosity rules and inheritance. Dates are 'YYYY-MM-DD' strings.
import { ZYGOSITY_SYMBOLS } from './tables.ts';

export const NICKNAME_RE = /^[\p{L}\p{N}_.-]+$/u;
export const NICKNAME_MESSAGE =
  'Nicknames must only contain letters, numbers, hyphens and underscores. Dots are reserved for breeding subjects.';

export const SEX_CHOICES = [
  ['M', 'Male'],
  ['F', 'Female'],
  ['U', 'Unknown'],
] as const;

export const PROTOCOL_CHOICES = [
  ['1', '1'],
  ['2', '2'],
  ['3', '3'],
  ['4', '4'],
] as const;

export const SEVERITY_CHOICES = [
  [1, 'Sub-threshold'],
  [2, 'Mild'],
  [3, 'Moderate'],
  [4, 'Severe'],
  [5, 'Non-recovery'],
] as const;

export const ZYGOSITY_CHOICES = [
  [0, 'Absent'],
  [1, 'Heterozygous'],
  [2, 'Homozygous'],
  [3, 'Present'],
] as const;

export const LIGHT_CYCLE_CHOICES = [
  [0, 'Normal'],
  [1, 'Inverted'],
] as const;

export const TEST_RESULT_CHOICES = [
  [0, 'Absent'],
  [1, 'Present'],
] as const;

function dayNumber(d: string): number {
  const [y, m, day] = d.slice(0, 10).split('-').map(Number);
  return Math.floor(Date.UTC(y, m - 1, day) / 86_400_000);
}

/** Days between two dates (b - a). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** Whole weeks from birth to death (or today); 0 without a birth date. */
export function ageWeeks(birth: string | null, death: string | null, today: string): number {
  if (!birth) return 0;
  return Math.floor(daysBetween(birth, death ?? today) / 7);
}

/** Alive: no death date, or a death date after today. */
export function isAlive(death: string | null, today: string): boolean {
  return !death || death.slice(0, 10) > today;
}

export const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** "<line>_<NNNN>", "<line>_L_<NNN>", "<line>_BP_<NNN>" */
export function subjectAutoname(lineNickname: string, index: number): string {
  return `${lineNickname}_${pad(index, 4)}`;
}
export function litterAutoname(lineNickname: string, index: number): string {
  return `${lineNickname}_L_${pad(index, 3)}`;
}
export function breedingPairAutoname(lineNickname: string, index: number): string {
  return `${lineNickname}_BP_${pad(index, 3)}`;
}

/** A name needs automatic naming when it is empty or "-". */
export function needsAutoname(name: unknown): boolean {
  return name === null || name === undefined || name === '' || name === '-';
}

/** Text of an original value as upstream records it (null becomes "None"). */
export function historyValue(v: unknown): string {
  return v === null || v === undefined ? 'None' : String(v);
}

/**
 * Returns json with history entries appended for each tracked field whose value changed
 * (old value recorded as text, date_time the naive ISO time of the change). Returns the input
 * unchanged (same object) when nothing changed.
 */
export function appendHistory(
  json: unknown,
  changes: Array<{ field: string; old: unknown; new: unknown }>,
  nowIso: string,
): unknown {
  const changed = changes.filter((c) => historyValue(c.old) !== historyValue(c.new));
  if (changed.length === 0) return json;
  const base: Record<string, unknown> =
    json !== null && typeof json === 'object' && !Array.isArray(json) ? { ...(json as Record<string, unknown>) } : {};
  const prev = base.history;
  const history: Record<string, unknown> =
    prev !== null && typeof prev === 'object' && !Array.isArray(prev) ? { ...(prev as Record<string, unknown>) } : {};
  for (const c of changed) {
    const list = Array.isArray(history[c.field]) ? [...(history[c.field] as unknown[])] : [];
    list.push({ date_time: nowIso, value: historyValue(c.old) });
    history[c.field] = list;
  }
  base.history = history;
  return base;
}

export function zygosityString(alleleNickname: string, zygosity: number): string {
  return `${alleleNickname} ${ZYGOSITY_SYMBOLS[zygosity] ?? String(zygosity)}`;
}

/** "-SeqA,SeqB": sequences sorted by name, a minus in front of absent results. */
export function genotypeTestString(tests: Array<{ sequence: string; result: number }>): string {
  return [...tests]
    .sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0))
    .map((t) => (t.result === 0 ? '-' : '') + t.sequence)
    .join(',');
}

export interface ZygosityRuleLike {
  allele: string | null;
  sequence0: string | null;
  sequence0_result: number | null;
  sequence1: string | null;
  sequence1_result: number | null;
  zygosity: number;
}

/**
 * Zygosity per allele from a subject's test results (sequence id -> result) and its line's
 * rules: for each allele, the first rule (in the given order) whose tests match wins.
 */
export function zygositiesFromTests(rules: ZygosityRuleLike[], results: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rules) {
    if (!r.allele || out.has(r.allele) || !r.sequence0) continue;
    const ok0 = results.get(r.sequence0) === r.sequence0_result;
    const ok1 = !r.sequence1 || results.get(r.sequence1) === r.sequence1_result;
    if (ok0 && ok1) out.set(r.allele, r.zygosity);
  }
  return out;
}

const INHERITANCE: Record<string, string> = {
  '+/+|+/+': '+/+',
  '+/+|+/-': '+',
  '+/+|-/-': '+/-',
  '+/+|+': '+',
  '+/+|none': '+/-',
  '+/-|+/+': '+',
  '-/-|+/+': '+/-',
  '-/-|-/-': '-/-',
  '-/-|none': '-/-',
  '+|+/+': '+',
  'none|+/+': '+/-',
  'none|-/-': '-/-',
  'none|none': '-/-',
};

/** Child zygosity (0..3) from the mother's and father's (null when absent), or null. */
export function inheritedZygosity(mother: number | null, father: number | null): number | null {
  const sym = (z: number | null) => (z === null ? 'none' : (ZYGOSITY_SYMBOLS[z] ?? '?'));
  const child = INHERITANCE[`${sym(mother)}|${sym(father)}`];
  if (!child) return null;
  return (ZYGOSITY_SYMBOLS as readonly string[]).indexOf(child);
}
