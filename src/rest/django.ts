// The `django=` filter: upstream clients send Django ORM lookups as text, e.g.
// `?django=subject__lab__name__icontains,cortex,~start_time__date__lt,2020-01-01`.
// We parse the pairs, walk relation paths through the model registry, and compile each step to a
// parameterised SQL condition (relations become `IN (subquery)`, so rows never multiply and no
// DISTINCT is needed). Anything we cannot resolve is a 400 that names the offending part.
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { PgColumn as Column } from 'drizzle-orm/pg-core';
import { isSecretField, modelOf, type ManyToMany, type ModelInfo, type Relation } from '../db/models.ts';
import { ApiError } from './errors.ts';
import { columnKind } from './fields.ts';
import { escapeLike, type Filter } from './filters.ts';
import { DEFAULT_MAX_LIST_ITEMS, jsonDepth } from './input-guard.ts';

/** Bounds on one `django=` filter: lookups (pairs), parts of one path (each relation hop is a subquery), list values. */
export const MAX_DJANGO_LOOKUPS = 20;
export const MAX_LOOKUP_PARTS = 10;
export const MAX_LITERAL_DEPTH = 8;

export type LiteralValue = string | number | boolean | null | LiteralValue[];

export class DjangoFilterError extends ApiError {
  constructor(message: string, name = 'django') {
    super(400, { [name]: [message] });
  }
}

/** Splits on commas that are outside brackets, parentheses and quotes. */
export function splitOutside(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      if (depth > 0) quote = ch;
    } else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** A Python literal list/tuple of strings, numbers, None, True and False (what clients send). */
export function parsePythonLiteral(text: string): LiteralValue {
  let i = 0;
  const s = text.trim();
  const fail = (): never => {
    throw new DjangoFilterError(`Malformed list value: ${text}`);
  };
  if (jsonDepth(s, MAX_LITERAL_DEPTH) > MAX_LITERAL_DEPTH) {
    throw new DjangoFilterError(`List values nested deeper than ${MAX_LITERAL_DEPTH} levels are not allowed.`);
  }
  const ws = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const value = (): LiteralValue => {
    ws();
    const ch = s[i];
    if (ch === '[' || ch === '(') {
      const close = ch === '[' ? ']' : ')';
      i++;
      const items: LiteralValue[] = [];
      let trailingComma = false;
      ws();
      while (s[i] !== close) {
        if (i >= s.length) fail();
        items.push(value());
        if (items.length > DEFAULT_MAX_LIST_ITEMS) {
          throw new DjangoFilterError(`Lists of more than ${DEFAULT_MAX_LIST_ITEMS} values are not allowed.`);
        }
        ws();
        trailingComma = false;
        if (s[i] === ',') {
          i++;
          trailingComma = true;
          ws();
        } else if (s[i] !== close) fail();
      }
      i++;
      // ("a") is just "a"; ("a",) is a one-element tuple
      if (close === ')' && items.length === 1 && !trailingComma) return items[0];
      return items;
    }
    if (ch === '"' || ch === "'") {
      i++;
      let out = '';
      while (i < s.length && s[i] !== ch) {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        out += s[i++];
      }
      if (s[i] !== ch) fail();
      i++;
      return out;
    }
    const m = /^(None|True|False|-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)/.exec(s.slice(i));
    if (!m) fail();
    i += m![0].length;
    if (m![0] === 'None') return null;
    if (m![0] === 'True') return true;
    if (m![0] === 'False') return false;
    return Number(m![0]);
  };
  const v = value();
  ws();
  if (i !== s.length) fail();
  return v;
}

/** Upstream's value conversion: None, booleans, digit floats, Python literals, else text. */
export function convertValue(raw: string): LiteralValue {
  const v = raw.trim();
  if (v === 'None') return null;
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  if (/^\d+(\.\d*)?$/.test(v) || /^\.\d+$/.test(v)) return Number(v);
  if (/^[([]/.test(v) && /[)\]]$/.test(v)) return parsePythonLiteral(v);
  return v;
}

/** Parses `lookup,value,lookup,value,...` into ordered pairs; a repeated lookup is refused. */
export function parsePairs(text: string, name = 'django'): Array<[string, LiteralValue]> {
  const tokens = splitOutside(text).map((t) => t.trim());
  if (tokens.length > 2 * MAX_DJANGO_LOOKUPS) {
    throw new DjangoFilterError(`At most ${MAX_DJANGO_LOOKUPS} lookups are allowed in one filter.`, name);
  }
  if (tokens.length % 2 !== 0) {
    throw new DjangoFilterError(`Expected lookup,value pairs; "${tokens[tokens.length - 1]}" has no value.`, name);
  }
  const pairs: Array<[string, LiteralValue]> = [];
  const seen = new Set<string>();
  for (let k = 0; k < tokens.length; k += 2) {
    const key = tokens[k];
    if (!key) throw new DjangoFilterError('Empty lookup name.', name);
    if (seen.has(key)) throw new DjangoFilterError(`Lookup "${key}" appears twice.`, name);
    seen.add(key);
    pairs.push([key, convertValue(tokens[k + 1])]);
  }
  return pairs;
}

const LOOKUPS = new Set([
  'exact', 'iexact', 'contains', 'icontains', 'in', 'gt', 'gte', 'lt', 'lte', 'startswith', 'istartswith',
  'endswith', 'iendswith', 'isnull', 'range', 'regex', 'iregex',
]);
const TRANSFORMS = new Set(['date', 'year', 'month', 'day', 'week_day', 'hour', 'minute']);


function choicesOf(info: ModelInfo): string {
  return [...Object.keys(info.columns).filter((k) => !isSecretField(info, k)), ...Object.keys(info.relations), 'pk'].sort().join(', ');
}

function toText(v: LiteralValue): string {
  return v === null ? '' : Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/** Compiles a comparison of a scalar SQL expression. */
function compare(expr: SQL, lookup: string, value: LiteralValue, kind: string, name: string): SQL {
  const scalar = (v: LiteralValue): unknown => {
    if (Array.isArray(v)) throw new DjangoFilterError(`Lookup "${lookup}" takes a single value.`, name);
    if (kind === 'bool' && typeof v === 'string') return /^(true|1)$/i.test(v);
    if (typeof v === 'number' && (kind === 'int' || kind === 'bigint') && Number.isInteger(v)) return v;
    return typeof v === 'boolean' || typeof v === 'number' ? (kind === 'string' || kind === 'uuid' ? String(v) : v) : v;
  };
  switch (lookup) {
    case 'exact':
      return value === null ? sql`${expr} is null` : sql`${expr} = ${scalar(value)}`;
    case 'iexact':
      return sql`upper(${expr}::text) = upper(${toText(value)})`;
    case 'contains':
      return sql`${expr}::text like ${'%' + escapeLike(toText(value)) + '%'}`;
    case 'icontains':
      return sql`${expr}::text ilike ${'%' + escapeLike(toText(value)) + '%'}`;
    case 'startswith':
      return sql`${expr}::text like ${escapeLike(toText(value)) + '%'}`;
    case 'istartswith':
      return sql`${expr}::text ilike ${escapeLike(toText(value)) + '%'}`;
    case 'endswith':
      return sql`${expr}::text like ${'%' + escapeLike(toText(value))}`;
    case 'iendswith':
      return sql`${expr}::text ilike ${'%' + escapeLike(toText(value))}`;
    case 'regex':
      return sql`${expr}::text ~ ${toText(value)}`;
    case 'iregex':
      return sql`${expr}::text ~* ${toText(value)}`;
    case 'gt':
      return sql`${expr} > ${scalar(value)}`;
    case 'gte':
      return sql`${expr} >= ${scalar(value)}`;
    case 'lt':
      return sql`${expr} < ${scalar(value)}`;
    case 'lte':
      return sql`${expr} <= ${scalar(value)}`;
    case 'isnull':
      return value === true || value === 'True' || value === 1 ? sql`${expr} is null` : sql`${expr} is not null`;
    case 'in': {
      const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
      if (list.length === 0) return sql`false`;
      return sql`${expr} in (${sql.join(list.map((v) => sql`${scalar(v)}`), sql`, `)})`;
    }
    case 'range': {
      if (!Array.isArray(value) || value.length !== 2) throw new DjangoFilterError('"range" takes two values: (low, high).', name);
      return sql`${expr} between ${scalar(value[0])} and ${scalar(value[1])}`;
    }
    default:
      throw new DjangoFilterError(`Unsupported lookup "${lookup}".`, name);
  }
}

function applyTransform(expr: SQL, transform: string): { expr: SQL; kind: string } {
  switch (transform) {
    case 'date':
      return { expr: sql`(${expr})::date`, kind: 'date' };
    case 'year':
      return { expr: sql`extract(year from ${expr})::int`, kind: 'int' };
    case 'month':
      return { expr: sql`extract(month from ${expr})::int`, kind: 'int' };
    case 'day':
      return { expr: sql`extract(day from ${expr})::int`, kind: 'int' };
    case 'week_day':
      return { expr: sql`(extract(dow from ${expr})::int + 1)`, kind: 'int' };
    case 'hour':
      return { expr: sql`extract(hour from ${expr})::int`, kind: 'int' };
    default:
      return { expr: sql`extract(minute from ${expr})::int`, kind: 'int' };
  }
}

/** A JSON key path comparison: json__a__b__gte,0.5 compares the JSON value at {a,b}. */
function compareJson(col: Column, keys: string[], lookup: string, value: LiteralValue, name: string): SQL {
  const path = `{${keys.map((k) => `"${k.replace(/["\\]/g, '')}"`).join(',')}}`;
  const node = keys.length ? sql`(${col} #> ${path}::text[])` : sql`${col}`;
  const text = keys.length ? sql`(${col} #>> ${path}::text[])` : sql`(${col}#>>'{}')`;
  switch (lookup) {
    case 'isnull':
      return value === true ? sql`${node} is null` : sql`${node} is not null`;
    case 'exact':
      return value === null ? sql`${node} = 'null'::jsonb` : sql`${node} = ${JSON.stringify(value)}::jsonb`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = { gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` }[lookup];
      return sql`${node} ${op} ${JSON.stringify(value)}::jsonb`;
    }
    case 'in': {
      const list = Array.isArray(value) ? value : [value];
      if (list.length === 0) return sql`false`;
      return sql`${node} in (${sql.join(list.map((v) => sql`${JSON.stringify(v)}::jsonb`), sql`, `)})`;
    }
    case 'has_key':
      return sql`${node} ? ${toText(value)}`;
    default:
      return compare(text, lookup, value, 'string', name);
  }
}

/** A lookup path step by step: the field it starts with, the parts after it, and the value. */
interface Step {
  info: ModelInfo;
  cols: Record<string, Column>;
  /** the first part as written (for messages) */
  head: string;
  rest: string[];
  value: LiteralValue;
  /** the query parameter, for messages */
  name: string;
}

/** True when the part ends the path with a comparison (`lab__in`), not another hop (`lab__name`). */
const endsWithLookup = (next: string | undefined) => next === undefined || LOOKUPS.has(next);

/** Resolves the path's first part to a relation (`lab`, also `lab_id`) or to a column of the model. */
function resolveHead(info: ModelInfo, head: string): { rel?: Relation; fkIdForm: boolean; col?: Column } {
  const fieldName = head === 'pk' ? primaryKeyOf(info) : head;
  const fkIdForm = !info.relations[fieldName] && fieldName.endsWith('_id');
  const rel = info.relations[fieldName] ?? (fkIdForm ? info.relations[fieldName.slice(0, -3)] : undefined);
  return { rel, fkIdForm, col: info.columns[fieldName] };
}

function primaryKeyOf(info: ModelInfo): string {
  for (const [k, c] of Object.entries(info.columns)) if (c.primary) return k;
  return 'id';
}

const idOf = (table: PgTable) => (getTableColumns(table) as Record<string, Column>).id;

/** Forward FK: compare the column itself (lab, lab__in, lab__isnull, lab_id), or hop into the target. */
function compileForeignKey(step: Step, rel: Relation & { column: Column }, fkIdForm: boolean): SQL {
  const next = step.rest[0];
  if (fkIdForm || endsWithLookup(next)) return compare(sql`${rel.column}`, next ?? 'exact', step.value, 'uuid', step.name);
  const inner = compileLookup(rel.target, step.rest, step.value, step.name);
  return sql`${rel.column} in (select ${idOf(rel.target)} from ${rel.target} where ${inner})`;
}

/** Reverse FK (e.g. a subject's `actions_sessions`): rows some target row points at. */
function compileReverse(step: Step, rel: Relation & { column: Column }): SQL {
  const { cols, rest, value, name } = step;
  const next = rest[0];
  if (next === 'isnull') {
    const exists = sql`${cols.id} in (select ${rel.column} from ${rel.target} where ${rel.column} is not null)`;
    return value === true ? sql`not (${exists})` : exists;
  }
  const inner = compileLookup(rel.target, endsWithLookup(next) ? ['pk', ...rest] : rest, value, name);
  return sql`${cols.id} in (select ${rel.column} from ${rel.target} where ${inner})`;
}

/** Many-to-many, either way through the join table. */
function compileManyToMany(step: Step, rel: Relation & { m2m: ManyToMany }): SQL {
  const { cols, rest, value, name } = step;
  const { through } = rel.m2m;
  const own = rel.reversed ? rel.m2m.to : rel.m2m.from;
  const other = rel.reversed ? rel.m2m.from : rel.m2m.to;
  const next = rest[0];
  if (next === 'isnull') {
    const exists = sql`${cols.id} in (select ${own} from ${through})`;
    return value === true ? sql`not (${exists})` : exists;
  }
  if (endsWithLookup(next)) {
    const inner = compare(sql`${other}`, next ?? 'exact', value, 'uuid', name);
    return sql`${cols.id} in (select ${own} from ${through} where ${inner})`;
  }
  const inner = compileLookup(rel.target, rest, value, name);
  return sql`${cols.id} in (select ${own} from ${through} where ${other} in (select ${idOf(rel.target)} from ${rel.target} where ${inner}))`;
}

/** A relation hop, by kind; null for a relation without what its kind needs. */
function compileRelation(step: Step, rel: Relation, fkIdForm: boolean): SQL | null {
  if (rel.kind === 'fk' && rel.column) return compileForeignKey(step, { ...rel, column: rel.column }, fkIdForm);
  if (rel.kind === 'reverse' && rel.column) return compileReverse(step, { ...rel, column: rel.column });
  if (rel.kind === 'm2m' && rel.m2m) return compileManyToMany(step, { ...rel, m2m: rel.m2m });
  return null;
}

/** A JSON column: the parts are keys inside it, the last one may be the lookup. */
function compileJsonColumn(step: Step, col: Column): SQL {
  const { rest } = step;
  const last = rest[rest.length - 1];
  const lookup = last !== undefined && (LOOKUPS.has(last) || last === 'has_key') ? last : 'exact';
  const keys = lookup === last && rest.length ? rest.slice(0, -1) : rest;
  return compareJson(col, keys, lookup, step.value, step.name);
}

/** A scalar column: transforms (`__date`, `__year`, ...), then at most one lookup operator. */
function compileScalarColumn(step: Step, col: Column): SQL {
  const { rest } = step;
  let expr: SQL = sql`${col}`;
  let exprKind: string = columnKind(col);
  let k = 0;
  // a transform name at the very end that is also a lookup is the lookup
  while (k < rest.length && TRANSFORMS.has(rest[k]) && !(k === rest.length - 1 && LOOKUPS.has(rest[k]))) {
    // Django registers these transforms on date and datetime fields only (hour and minute: datetimes)
    const fits = exprKind === 'datetime' || (exprKind === 'date' && !['hour', 'minute'].includes(rest[k]));
    if (!fits) {
      throw new DjangoFilterError(`Unsupported lookup '${rest.slice(k).join('__')}' for ${step.info.name}.${step.head}, or join on the field not permitted.`, step.name);
    }
    ({ expr, kind: exprKind } = applyTransform(expr, rest[k]));
    k++;
  }
  const remaining = rest.slice(k);
  if (remaining.length > 1 || (remaining.length === 1 && !LOOKUPS.has(remaining[0]))) {
    throw new DjangoFilterError(
      `Unsupported lookup '${remaining.join('__')}' for ${step.info.name}.${step.head}, or join on the field not permitted.`,
      step.name,
    );
  }
  return compare(expr, remaining[0] ?? 'exact', step.value, exprKind, step.name);
}

/** Secrets are not data: any path reaching a secret column is a 400, whatever the lookup or value. */
function refuseSecretField(info: ModelInfo, head: string, name: string): void {
  const field = head.startsWith('~') ? head.slice(1) : head;
  if (isSecretField(info, field)) throw new DjangoFilterError(secretFieldMessage(info, field), name);
}

export const secretFieldMessage = (info: ModelInfo, field: string) =>
  `Filtering on ${info.name}.${field} is not allowed: it is a secret field.`;

/**
 * Compiles one lookup path against a model, as a condition on the model's table: the first part
 * is a relation (followed with `IN (SELECT ...)` subqueries, recursively) or a column (compared).
 */
export function compileLookup(table: PgTable, parts: string[], value: LiteralValue, name = 'django'): SQL {
  const info = modelOf(table);
  const [head, ...rest] = parts;
  if (head === undefined) throw new DjangoFilterError('Empty lookup.', name);
  const step: Step = { info, cols: getTableColumns(table) as Record<string, Column>, head, rest, value, name };
  refuseSecretField(info, head, name);
  const { rel, fkIdForm, col } = resolveHead(info, head);
  const viaRelation = rel ? compileRelation(step, rel, fkIdForm) : null;
  if (viaRelation) return viaRelation;
  if (!col) {
    throw new DjangoFilterError(`Cannot resolve keyword '${head}' into field. Choices are: ${choicesOf(info)}`, name);
  }
  return columnKind(col) === 'json' ? compileJsonColumn(step, col) : compileScalarColumn(step, col);
}

/** Compiles `lookup,value,...` text to one condition; `~lookup` excludes. */
export function compileDjango(table: PgTable, text: string, name = 'django', prefix: string[] = []): SQL | undefined {
  const conds: SQL[] = [];
  for (const [key, value] of parsePairs(text, name)) {
    const negate = key.startsWith('~');
    const path = [...prefix, ...(negate ? key.slice(1) : key).split('__')];
    if (path.some((p) => p === '')) throw new DjangoFilterError(`Malformed lookup "${key}".`, name);
    if (path.length > MAX_LOOKUP_PARTS) {
      throw new DjangoFilterError(`Lookup "${key}" has more than ${MAX_LOOKUP_PARTS} parts; at most ${MAX_LOOKUP_PARTS} are allowed.`, name);
    }
    const cond = compileLookup(table, path, value, name);
    conds.push(negate ? sql`not coalesce((${cond}), false)` : cond);
  }
  return conds.length ? sql.join(conds.map((c) => sql`(${c})`), sql` and `) : undefined;
}

export function djangoFilter(table: PgTable): Filter {
  return {
    help: 'Django ORM lookups as comma-separated lookup,value pairs, e.g. name__icontains,abc,~pk__in,[...]',
    apply: (value, ctx) => compileDjango(table, Array.isArray(value) ? value[value.length - 1] : value, ctx.name),
  };
}

/** A JSON-field filter: the same pairs, each key prefixed with the field (`?extended_qc=qc_bool,True`). */
export function jsonFieldFilter(table: PgTable, field: string): Filter {
  return {
    help: `lookups inside the ${field} JSON field as comma-separated key,value pairs, e.g. key__gte,0.5`,
    apply: (value, ctx) => compileDjango(table, Array.isArray(value) ? value[value.length - 1] : value, ctx.name, [field]),
  };
}
