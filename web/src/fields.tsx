// Rendering and editing of one field, decided by its metadata (kind, schema, relation target).
import * as React from 'react';
import {
  AutocompleteArrayInput,
  AutocompleteInput,
  BooleanInput,
  Link,
  NullableBooleanInput,
  NumberInput,
  ReferenceArrayInput,
  ReferenceInput,
  SelectInput,
  TextArrayInput,
  TextInput,
  required as requiredValidator,
  useGetList,
  useInput,
  useRecordContext,
  type Validator,
} from 'react-admin';
import { Box, Chip, Typography } from '@mui/material';
import { metaOf, humanize, isJsonField, type FieldMeta, type FieldRef } from './meta.ts';
import { RAW_ID, keyOfRef } from './dataProvider.ts';

const stop = (e: React.MouseEvent) => e.stopPropagation();

/** Where a related value leads: the target's page, or its list filtered on the value. */
export function refTarget(ref: FieldRef | null, value: string): string | null {
  if (!ref?.resource || !metaOf(ref.resource)) return null;
  if (ref.via === 'show') return `/${ref.resource}/${encodeURIComponent(value)}/show`;
  if (ref.via === 'filter') return `/${ref.resource}?filter=${encodeURIComponent(JSON.stringify({ [ref.slug]: value }))}`;
  return null;
}

/** An absolute API URL (hyperlink fields) -> the UI page of that record, when a resource serves it. */
export function urlTarget(url: string): { to: string; label: string } | null {
  try {
    const parts = new URL(url, window.location.origin).pathname.split('/').filter(Boolean);
    if (parts.length < 2) return null;
    const key = decodeURIComponent(parts[parts.length - 1]);
    const resource = parts.slice(0, -1).join('/');
    if (!metaOf(resource)) return null;
    return { to: `/${resource}/${encodeURIComponent(key)}/show`, label: key };
  } catch {
    return null;
  }
}

function RefLink({ refMeta, value }: { refMeta: FieldRef | null; value: unknown }) {
  const text = String(value);
  const to = refTarget(refMeta, text);
  return to ? (
    <Link to={to} onClick={stop}>
      {text}
    </Link>
  ) : (
    <span>{text}</span>
  );
}

function formatScalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '✔' : '✘';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return value.replace('T', ' ').slice(0, 19);
  return String(value);
}

/** A list of nested objects (e.g. a subject's weighings) as a small table. */
function NestedTable({ rows }: { rows: Record<string, unknown>[] }) {
  if (!rows.length) return <Typography variant="body2">—</Typography>;
  const keys = Object.keys(rows[0]).filter((k) => k !== 'url' && k !== 'id' && k !== 'data_url');
  const shown = rows.slice(0, 10);
  return (
    <Box sx={{ overflowX: 'auto', maxWidth: '100%' }}>
    <Box component="table" sx={{ borderCollapse: 'collapse', fontSize: 13, '& td, & th': { border: '1px solid #ddd', px: 1, py: 0.25, textAlign: 'left', whiteSpace: 'nowrap' } }}>
      <thead>
        <tr>{keys.map((k) => <th key={k}>{humanize(k)}</th>)}</tr>
      </thead>
      <tbody>
        {shown.map((r, i) => (
          <tr key={i}>
            {keys.map((k) => (
              <td key={k}>{typeof r[k] === 'object' && r[k] !== null ? JSON.stringify(r[k]) : formatScalar(r[k])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </Box>
    {rows.length > shown.length ? (
      <Typography variant="caption" color="text.secondary">
        {shown.length} of {rows.length} shown
      </Typography>
    ) : null}
    </Box>
  );
}

/** Shows one field of the current record. `compact` for list cells. */
export function ValueField({ name, meta, compact }: { name: string; meta: FieldMeta; compact?: boolean; label?: string; source?: string; sortable?: boolean }) {
  const record = useRecordContext();
  if (!record) return null;
  const value = name === 'id' && record[RAW_ID] !== undefined ? record[RAW_ID] : record[name];
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length && !compact)) {
    return compact ? <span /> : <span style={{ color: '#9e9e9e' }}>—</span>;
  }
  if (meta.kind === 'url' && typeof value === 'string') {
    // the record in the REST API (JSON), for people scripting against it
    return compact ? <span /> : <a href={value} target="_blank" rel="noreferrer">{value}</a>;
  }
  if (meta.kind === 'hyperlink' && typeof value === 'string') {
    const t = urlTarget(value);
    return t ? (
      <Link to={t.to} onClick={stop}>
        {t.label}
      </Link>
    ) : (
      <span>{value}</span>
    );
  }
  if (Array.isArray(value)) {
    if (value.length && typeof value[0] === 'object' && value[0] !== null) {
      return compact ? <span>{value.length}</span> : <NestedTable rows={value as Record<string, unknown>[]} />;
    }
    const shown = compact ? value.slice(0, 5) : value;
    return (
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
        {shown.map((v, i) =>
          meta.ref ? (
            <Chip key={i} size="small" label={<RefLink refMeta={meta.ref} value={v} />} />
          ) : (
            <Chip key={i} size="small" label={formatScalar(v)} />
          ),
        )}
        {shown.length < value.length ? <span>… ({value.length})</span> : null}
      </Box>
    );
  }
  if (meta.ref) return <RefLink refMeta={meta.ref} value={value} />;
  if (typeof value === 'object') {
    const text = JSON.stringify(value, null, compact ? 0 : 2);
    return compact ? (
      <span style={{ fontFamily: 'monospace', fontSize: 12 }}>{text.length > 60 ? text.slice(0, 60) + '…' : text}</span>
    ) : (
      <Box component="pre" sx={{ fontFamily: 'monospace', fontSize: 12, m: 0, whiteSpace: 'pre-wrap' }}>
        {text}
      </Box>
    );
  }
  const text = formatScalar(value);
  // dates stay on one line in list cells
  const nowrap = compact && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value);
  return <span style={nowrap ? { whiteSpace: 'nowrap' } : undefined}>{compact && text.length > 80 ? text.slice(0, 80) + '…' : text}</span>;
}

const jsonFormat = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));
const jsonParse = (v: string) => {
  if (v === undefined || v === null || v.trim() === '') return null;
  try {
    return JSON.parse(v);
  } catch {
    return v; // left as text: the validator below reports it
  }
};
const validJson: Validator = (v) => (typeof v === 'string' && v.trim() !== '' ? 'Not valid JSON.' : undefined);

/** "2024-03-11T09:00:00" <-> the datetime-local input's "2024-03-11T09:00"; naive lab-local times stay naive. */
const dtFormat = (v: unknown) => (typeof v === 'string' ? v.slice(0, 16) : '');
const dtParse = (v: string) => (v ? (v.length === 16 ? `${v}:00` : v) : null);
const dateParse = (v: string) => (v ? v : null);

function nowLocal(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:00`;
}

/** Date/time fields pre-filled with now on new objects (spec-core §5.1). */
const NOW_FIELDS = new Set(['start_time', 'date_time', 'created_at', 'created_datetime']);
/** User fields that default to the logged-in user on new objects (spec-core §5.1). */
const ME_FIELDS = new Set(['user', 'users', 'responsible_user', 'created_by']);

/** The species the server gives a subject created without one (upstream's fixed default). */
const DEFAULT_SPECIES = 'Laboratory mouse';

/** Initial values of a create form: now for its date/time fields, me for its user fields. */
export function createDefaults(fields: Record<string, FieldMeta>, username: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(fields)) {
    if (f.readOnly) continue;
    // the server's default when the metadata names it; the species upstream gives new subjects
    if ((f as { default?: unknown }).default !== undefined) out[name] = (f as { default?: unknown }).default;
    else if (name === 'species' && f.ref?.slug === 'nickname') out[name] = DEFAULT_SPECIES;
    if (NOW_FIELDS.has(name) && f.schema.format === 'date-time') out[name] = nowLocal();
    if (username && ME_FIELDS.has(name) && f.ref?.resource === 'users' && f.ref.slug === 'username') out[name] = f.many ? [username] : username;
  }
  return out;
}

/**
 * A picker for a relation named by a column other than the target's lookup (water type or
 * procedure names, species nicknames): choices are the target's rows (reference tables are small).
 */
function SlugPicker({ name, meta, label, validate, helperText }: { name: string; meta: FieldMeta; label: string; validate: Validator[]; helperText: string | false }) {
  const ref = meta.ref!;
  const { data } = useGetList(ref.resource!, { pagination: { page: 1, perPage: 200 }, sort: { field: '', order: 'ASC' }, filter: {} });
  const { field } = useInput({ source: name });
  const values = new Set<string>((data ?? []).map((r) => String(r[ref.slug])).filter((v) => v !== 'undefined' && v !== 'null'));
  // the current value(s) stay selectable even when beyond the first page
  for (const v of meta.many ? ((field.value as unknown[]) ?? []) : [field.value]) if (v !== null && v !== undefined && v !== '') values.add(String(v));
  const choices = [...values].sort().map((v) => ({ id: v, name: v }));
  return meta.many ? (
    <AutocompleteArrayInput source={name} label={label} choices={choices} helperText={helperText} fullWidth />
  ) : (
    <AutocompleteInput
      source={name}
      label={label}
      choices={choices}
      validate={validate}
      helperText={helperText}
      parse={(v: unknown) => (v === '' || v === undefined ? null : v)}
      fullWidth
    />
  );
}

/** The input for one writable field. */
export function FieldInput({
  name,
  meta,
  creating,
  label: givenLabel,
  help,
  disabled,
}: {
  name: string;
  meta: FieldMeta;
  creating: boolean;
  label?: string;
  help?: string | null;
  disabled?: boolean;
}) {
  const label = givenLabel ?? humanize(name);
  const validate: Validator[] = meta.required && creating ? [requiredValidator()] : [];
  const helperText = (help ?? meta.help) || false;
  if (disabled) return <TextInput source={name} label={label} helperText={helperText} fullWidth disabled format={(v: unknown) => (v == null ? '' : meta.kind === 'hyperlink' ? keyOfRef(v) : String(v))} />;
  const common = { source: name, label, validate, helperText, fullWidth: true } as const;
  const s = meta.schema;
  const target = meta.ref?.resource ? metaOf(meta.ref.resource) : undefined;
  const pickable = target && meta.ref?.via === 'show' && target.actions.includes('list');
  // the picker names rows by their title (nickname, name) when they have one
  const optionText = (r: Record<string, unknown>) => String((target?.title ? r[target.title] : undefined) ?? r.id);
  // a hyperlinked relation holds the target's URL; the picker's choices are keyed by the target's lookup
  const refFormat = meta.kind === 'hyperlink' ? (v: unknown) => (v === null || v === undefined || v === '' ? v : keyOfRef(v)) : undefined;

  const slugPickable =
    !pickable && target && meta.ref && target.actions.includes('list') && target.listFields.includes(meta.ref.slug) && meta.ref.slug !== 'id';
  if (slugPickable) return <SlugPicker name={name} meta={meta} label={label} validate={validate} helperText={helperText} />;
  if (meta.many) {
    if (pickable) {
      return (
        <ReferenceArrayInput source={name} reference={target.path} perPage={25}>
          <AutocompleteArrayInput
            label={label}
            optionText={optionText}
            filterToQuery={(q: string) => (q ? { q } : {})}
            helperText={helperText}
            fullWidth
          />
        </ReferenceArrayInput>
      );
    }
    return <TextArrayInput {...common} />;
  }
  if (pickable) {
    return (
      <ReferenceInput source={name} reference={target.path} perPage={25}>
        <AutocompleteInput
          label={label}
          optionText={optionText}
          filterToQuery={(q: string) => (q ? { q } : {})}
          format={refFormat}
          validate={validate}
          helperText={helperText}
          parse={(v: unknown) => (v === '' || v === undefined ? null : v)}
          fullWidth
        />
      </ReferenceInput>
    );
  }
  if (s.enum) {
    return (
      <SelectInput
        {...common}
        choices={s.enum.map((v) => ({ id: v as string, name: String(v) }))}
        parse={(v: unknown) => (v === '' ? (meta.nullable ? null : '') : v)}
      />
    );
  }
  if (s.type === 'boolean') return meta.nullable ? <NullableBooleanInput {...common} /> : <BooleanInput {...common} />;
  if (s.type === 'integer' || s.type === 'number') return <NumberInput {...common} step={s.type === 'integer' ? 1 : 'any'} />;
  if (s.format === 'date') return <TextInput {...common} type="date" parse={dateParse} slotProps={{ inputLabel: { shrink: true } }} />;
  if (s.format === 'date-time') {
    return (
      <TextInput
        {...common}
        type="datetime-local"
        format={dtFormat}
        parse={dtParse}
        slotProps={{ inputLabel: { shrink: true } }}
      />
    );
  }
  if (isJsonField(meta)) {
    return (
      <TextInput
        {...common}
        multiline
        minRows={3}
        format={jsonFormat}
        parse={jsonParse}
        validate={[...validate, validJson]}
        sx={{ '& textarea': { fontFamily: 'monospace', fontSize: 13 } }}
      />
    );
  }
  const long = s.type === 'string' && (!s.maxLength || s.maxLength > 255) && s.format !== 'uuid' && s.format !== 'uri';
  return <TextInput {...common} multiline={long} parse={(v: string) => (v === '' && meta.nullable ? null : v)} />;
}
