// Age and alive status of a subject from its dates ('YYYY-MM-DD' strings, no database).

const digits = (s: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
};

/** Days since 1970-01-01 of a 'YYYY-MM-DD…' string (read in place: two per subject of every list page). */
function dayNumber(d: string): number {
  return Math.floor(Date.UTC(digits(d, 0, 4), digits(d, 5, 7) - 1, digits(d, 8, 10)) / 86_400_000);
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
