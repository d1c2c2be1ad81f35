// The QC enum of ONE (`one.alf.spec.QC`), shared by sessions, datasets and insertions: one
// declaration, one parser, and the REST field and filter built from them.
import type { SQL } from 'drizzle-orm';
import { eq } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { fieldError, invalid } from '../../rest/errors.ts';
import { custom, type Field } from '../../rest/fields.ts';
import { filter, type Filter } from '../../rest/filters.ts';

/** (value, label) in ONE's declaration order; error messages list the labels in this order. */
export const QC_CHOICES = [
  [50, 'CRITICAL'],
  [40, 'FAIL'],
  [30, 'WARNING'],
  [0, 'NOT_SET'],
  [10, 'PASS'],
] as const;

export type QcLabel = (typeof QC_CHOICES)[number][1];
export const QC_LABELS: QcLabel[] = QC_CHOICES.map(([, l]) => l);
/** Labels ordered by value: the categories of the ordered categorical `qc` column of the cache tables. */
export const QC_CATEGORIES = [...QC_CHOICES].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
export const QC_ERROR = `Invalid qc, choices are: ${QC_LABELS.join(', ')}`;

const BY_LABEL = new Map<string, number>(QC_CHOICES.map(([v, l]) => [l, v]));
const BY_VALUE = new Map<number, string>(QC_CHOICES.map(([v, l]) => [v, l]));

export function qcLabel(value: number): string {
  return BY_VALUE.get(value) ?? String(value);
}

export interface QcParseOptions {
  /** accept any letter case and surrounding blanks (filters, ONE's QC.validate) */
  anyCase?: boolean;
  /** accept a QC number or a string of its digits (ONE's QC.validate) */
  numbers?: boolean;
}

/**
 * The one QC parser: a label (exactly, as DRF's ChoiceField, unless `anyCase`), or with `numbers`
 * a QC value; null when the input names no QC.
 */
export function parseQc(raw: unknown, o: QcParseOptions = {}): number | null {
  if (typeof raw === 'number') return o.numbers && BY_VALUE.has(raw) ? raw : null;
  if (typeof raw !== 'string') return null;
  const s = o.anyCase ? raw.trim() : raw;
  if (o.numbers && /^\d+$/.test(s)) return BY_VALUE.has(Number(s)) ? Number(s) : null;
  return BY_LABEL.get(o.anyCase ? s.toUpperCase() : s) ?? null;
}

/** The `qc` field of a serializer: rendered as its label, written as an exact label. */
export function qcField(help?: string): Field {
  return custom({
    source: 'qc',
    schema: { type: 'string', enum: QC_LABELS },
    ...(help ? { help } : {}),
    render: () => (row) => qcLabel(Number(row.qc ?? 0)),
    parse(raw) {
      const v = parseQc(raw);
      if (v === null) throw invalid(QC_ERROR);
      return v;
    },
    columns: (value) => ({ qc: value }),
  });
}

/** `?qc=<label>` (any case) on a QC column. */
export function qcFilter(col: PgColumn, toSql: (value: number) => SQL = (v) => eq(col, v)): Filter {
  return filter(
    (v, ctx) => {
      const n = parseQc(v, { anyCase: true });
      if (n === null) throw fieldError(ctx.name, QC_ERROR);
      return toSql(n);
    },
    { schema: { type: 'string', enum: QC_LABELS }, help: 'QC name, case-insensitive' },
  );
}
