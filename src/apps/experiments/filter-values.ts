// Parsing of the values of the experiments list filters: each bad value is a 400 naming the
// query parameter.
import type { SQL } from 'drizzle-orm';
import { fieldError } from '../../rest/errors.ts';
import { filter, type Filter } from '../../rest/filters.ts';
import { normalizeUuid, parseDateInput } from '../../rest/values.ts';

export const dateOf = (v: string, ctx: { name: string }): string => {
  const d = parseDateInput(v);
  if (!d) throw fieldError(ctx.name, 'Enter a valid date.');
  return d;
};

export const numberOf = (v: string, ctx: { name: string }): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw fieldError(ctx.name, 'Enter a number.');
  return n;
};

/** A filter whose value must be a UUID; `condition` receives it normalized. */
export const uuidFilter = (condition: (id: string) => SQL): Filter =>
  filter((v, ctx) => {
    const id = normalizeUuid(v);
    if (!id) throw fieldError(ctx.name, 'Enter a valid UUID.');
    return condition(id);
  });
