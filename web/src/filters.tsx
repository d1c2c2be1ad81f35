// The filter sidebar of a list: the filters the admin declares (admin.filters), each with an input
// that fits it (a picker for relations, yes/no for flags, a pair of dates for date ranges).
import * as React from 'react';
import {
  AutocompleteInput,
  NullableBooleanInput,
  ReferenceInput,
  SelectInput,
  TextInput,
  useInput,
} from 'react-admin';
import { Box, TextField } from '@mui/material';
import { filterLabelOf, metaOf, type ResourceMeta } from './meta.ts';

/** Filters never offered in the sidebar: paging, raw lookups, ids. */
const RAW = new Set(['django', 'limit', 'offset', 'id', 'ordering', 'search', 'q', 'json', 'extended_qc']);

/** The sidebar's filters: the admin's, else a few declared ones that name a field. */
export function filterNames(meta: ResourceMeta): string[] {
  if (meta.admin?.filters?.length) return meta.admin.filters.filter((n) => meta.filters[n] || n === 'date_range');
  // relations, flags and choices: what a person filters a list on
  const names = Object.keys(meta.filters)
    .filter((n) => !RAW.has(n))
    .filter((n) => {
      const f = meta.fields[n];
      return meta.filters[n].schema.type === 'boolean' || (f && !f.many && (f.ref?.via === 'show' || f.schema.enum || f.schema.type === 'boolean'));
    })
    .slice(0, 8);
  return meta.filters.date_range ? [...names, 'date_range'] : names;
}

const OPEN_FROM = '1900-01-01';
const OPEN_TO = '2999-12-31';

/** `date_range=from,to` as two date inputs. */
function DateRangeInput({ source, label }: { source: string; label: string }) {
  const { field } = useInput({ source });
  const [rawFrom, rawTo] = String(field.value ?? '').split(',');
  const from = rawFrom === OPEN_FROM ? '' : rawFrom;
  const to = rawTo === OPEN_TO ? '' : rawTo;
  // an open end is a far date: the filter takes both ends
  const set = (f: string, t: string) => field.onChange(f || t ? `${f || OPEN_FROM},${t || OPEN_TO}` : '');
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1, my: 1 }} data-testid={`filter-${source}`}>
      <TextField size="small" type="date" label={`${label} from`} value={from ?? ''} onChange={(e) => set(e.target.value, to ?? '')} slotProps={{ inputLabel: { shrink: true } }} />
      <TextField size="small" type="date" label={`${label} to`} value={to ?? ''} onChange={(e) => set(from ?? '', e.target.value)} slotProps={{ inputLabel: { shrink: true } }} />
    </Box>
  );
}

export function FilterInput({ meta, name }: { meta: ResourceMeta; name: string }) {
  const label = filterLabelOf(meta, name);
  const f = meta.fields[name];
  const schema = meta.filters[name]?.schema ?? {};
  if (name === 'date_range') return <DateRangeInput source={name} label="Date" />;
  if (schema.type === 'boolean') return <NullableBooleanInput source={name} label={label} helperText={false} fullWidth size="small" />;
  const target = f?.ref?.resource ? metaOf(f.ref.resource) : undefined;
  if (target && f?.ref?.via === 'show' && target.actions.includes('list')) {
    return (
      <ReferenceInput source={name} reference={target.path} perPage={25}>
        <AutocompleteInput
          label={label}
          optionText={(r: Record<string, unknown>) => String((target.title ? r[target.title] : undefined) ?? r.id)}
          filterToQuery={(q: string) => (q ? { q } : {})}
          helperText={false}
          size="small"
          fullWidth
        />
      </ReferenceInput>
    );
  }
  if (f?.schema.enum) {
    return <SelectInput source={name} label={label} choices={f.schema.enum.map((v) => ({ id: String(v), name: String(v) }))} helperText={false} fullWidth size="small" />;
  }
  return <TextInput source={name} label={label} helperText={false} fullWidth size="small" resettable />;
}
