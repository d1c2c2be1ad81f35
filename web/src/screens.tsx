// Generic list / show / edit / create screens, generated from a resource's metadata.
import * as React from 'react';
import {
  Create,
  DatagridConfigurable,
  DeleteButton,
  Edit,
  EditButton,
  ExportButton,
  FilterButton,
  Labeled,
  List,
  NullableBooleanInput,
  SearchInput,
  SelectColumnsButton,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextInput,
  TopToolbar,
  CreateButton,
  usePermissions,
  useRecordContext,
  type RaRecord,
} from 'react-admin';
import { Typography } from '@mui/material';
import { humanize, isJsonField, type ResourceMeta } from './meta.ts';
import { FieldInput, ValueField, createDefaults } from './fields.tsx';

/** Columns shown by default in a list; the rest can be switched on with "Columns". */
const DEFAULT_COLUMNS = 8;

function filterInputs(meta: ResourceMeta): React.ReactElement[] {
  const inputs: React.ReactElement[] = [];
  if (meta.search) inputs.push(<SearchInput key="q" source="q" alwaysOn placeholder={`Search ${meta.search.column}`} />);
  for (const [name, f] of Object.entries(meta.filters)) {
    if (f.schema.type === 'boolean') inputs.push(<NullableBooleanInput key={name} source={name} label={humanize(name)} helperText={false} />);
    else inputs.push(<TextInput key={name} source={name} label={name === 'django' ? 'Django lookup' : humanize(name)} helperText={false} />);
  }
  return inputs;
}

function ListActions({ meta }: { meta: ResourceMeta }) {
  return (
    <TopToolbar>
      {Object.keys(meta.filters).length ? <FilterButton /> : null}
      <SelectColumnsButton />
      {meta.actions.includes('create') ? <CreateButton /> : null}
      <ExportButton />
    </TopToolbar>
  );
}

export function GenericList({ meta }: { meta: ResourceMeta }) {
  const columns = meta.listFields.filter((n) => meta.fields[n] && !meta.fields[n].writeOnly && meta.fields[n].kind !== 'url');
  // hidden by default (the "Columns" button shows them): JSON, the uuid when a name identifies the row, the tail
  const shown = columns.filter((n) => !isJsonField(meta.fields[n]) && !(n === 'id' && meta.title && meta.title !== 'id')).slice(0, DEFAULT_COLUMNS);
  const omit = columns.filter((n) => !shown.includes(n));
  const canOpen = meta.actions.includes('read');
  return (
    <List
      resource={meta.path}
      filters={filterInputs(meta)}
      perPage={50}
      sort={{ field: '', order: 'ASC' }}
      actions={<ListActions meta={meta} />}
      title={humanize(meta.path)}
      storeKey={`list.${meta.path}`}
    >
      <DatagridConfigurable
        preferenceKey={`columns.${meta.path}`}
        omit={omit}
        rowClick={canOpen ? 'show' : false}
        bulkActionButtons={meta.actions.includes('delete') ? undefined : false}
      >
        {columns.map((n) => (
          <ValueField key={n} source={n} name={n} meta={meta.fields[n]} compact label={humanize(n)} sortable={false} />
        ))}
      </DatagridConfigurable>
    </List>
  );
}

function RecordTitle({ meta }: { meta: ResourceMeta }) {
  const record = useRecordContext();
  const name = record ? (meta.title ? record[meta.title] : undefined) ?? record.id : '';
  return <span>{`${meta.model} ${name ?? ''}`}</span>;
}

function ShowActions({ meta }: { meta: ResourceMeta }) {
  return (
    <TopToolbar>
      {meta.actions.includes('partial_update') || meta.actions.includes('update') ? <EditButton /> : null}
      {meta.actions.includes('delete') ? <DeleteButton mutationMode="pessimistic" /> : null}
    </TopToolbar>
  );
}

export function DetailFields({ meta }: { meta: ResourceMeta }) {
  const names = meta.detailFields.filter((n) => meta.fields[n] && !meta.fields[n].writeOnly);
  return (
    <SimpleShowLayout>
      {names.map((n) => (
        <Labeled key={n} label={humanize(n)}>
          <ValueField name={n} meta={meta.fields[n]} />
        </Labeled>
      ))}
    </SimpleShowLayout>
  );
}

export function GenericShow({ meta, extra }: { meta: ResourceMeta; extra?: React.ReactNode }) {
  return (
    <Show resource={meta.path} title={<RecordTitle meta={meta} />} actions={<ShowActions meta={meta} />}>
      {meta.description ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 2, pt: 1 }}>
          {meta.description}
        </Typography>
      ) : null}
      {extra}
      <DetailFields meta={meta} />
    </Show>
  );
}

/** Writable fields in display order: detail fields first, then any other writable field. */
function writableFields(meta: ResourceMeta): string[] {
  const order = [...meta.detailFields, ...Object.keys(meta.fields)];
  return [...new Set(order)].filter((n) => meta.fields[n] && !meta.fields[n].readOnly);
}

export function GenericEdit({ meta }: { meta: ResourceMeta }) {
  return (
    <Edit resource={meta.path} title={<RecordTitle meta={meta} />} mutationMode="pessimistic" redirect="show">
      <SimpleForm>
        {writableFields(meta).map((n) => (
          <FieldInput key={n} name={n} meta={meta.fields[n]} creating={false} />
        ))}
      </SimpleForm>
    </Edit>
  );
}

export function GenericCreate({ meta }: { meta: ResourceMeta }) {
  const canRead = meta.actions.includes('read');
  const { permissions } = usePermissions<{ username: string } | null>();
  const defaults = React.useMemo(() => createDefaults(meta.fields, permissions?.username ?? null), [meta, permissions]);
  return (
    <Create resource={meta.path} title={`New ${meta.model}`} redirect={canRead ? 'show' : 'list'}>
      <SimpleForm defaultValues={defaults}>
        {writableFields(meta).map((n) => (
          <FieldInput key={n} name={n} meta={meta.fields[n]} creating />
        ))}
      </SimpleForm>
    </Create>
  );
}

export type { RaRecord };
