// Age and alive status of a subject from its dates ('YYYY-MM-DD' strings, no database).

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
