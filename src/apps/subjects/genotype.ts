// Genotype strings, zygosities from genotype tests and line rules (4.14), inheritance from parents.
import { ZYGOSITY_SYMBOLS } from './tables.ts';

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
