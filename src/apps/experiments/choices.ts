// Upstream's "enum field", used by the experiments and jobs resources: an integer column shown
// and accepted as its label, and the matching list filter.
import { sql, type Column } from 'drizzle-orm';
import { custom, type Field } from '../../rest/fields.ts';
import { fieldError, invalid } from '../../rest/errors.ts';

export type Choices = ReadonlyArray<readonly [number, string]>;

export const invalidChoiceMessage = (field: string, choices: Choices) =>
  `Invalid ${field}, choices are: ${choices.map(([, l]) => l).join(', ')}`;

/**
 * An integer-choice column rendered as its label; input must be the exact label (upstream's
 * BaseSerializerEnumField), anything else is a 400 naming the choices.
 */
export function enumLabel(
  key: string,
  field: string,
  choices: Choices,
  o: { required?: boolean; default?: number; help?: string } = {},
): Field {
  const byCode = new Map(choices.map(([c, l]) => [c, l]));
  const byLabel = new Map(choices.map(([c, l]) => [l, c]));
  return custom({
    kind: 'column',
    source: key,
    required: o.required ?? false,
    help: o.help,
    schema: { type: 'string', enum: choices.map(([, l]) => l) },
    default: o.default === undefined ? undefined : () => o.default,
    render: () => (row) => {
      const v = row[key];
      if (v === null || v === undefined) return null;
      return byCode.get(Number(v)) ?? v;
    },
    parse(raw) {
      if (typeof raw !== 'string' || !byLabel.has(raw)) throw invalid(invalidChoiceMessage(field, choices));
      return byLabel.get(raw);
    },
    columns: (value) => ({ [key]: value }),
  });
}

/** The `?<field>=<label>` list filter: case-insensitive label, a 400 naming the choices otherwise. */
export function enumLabelFilter(col: Column, field: string, choices: Choices) {
  return {
    schema: { type: 'string', enum: choices.map(([, l]) => l) },
    apply(value: string | string[], ctx: { name: string }) {
      const v = (Array.isArray(value) ? value[value.length - 1] : value).trim().toLowerCase();
      const match = choices.find(([, l]) => l.toLowerCase() === v);
      if (!match) throw fieldError(ctx.name, invalidChoiceMessage(field, choices));
      return sql`${col} = ${match[0]}`;
    },
  };
}
