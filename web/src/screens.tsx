// Generic list / show / edit / create screens, generated from a resource's metadata and its admin
// declaration (columns, filters, search, sortable columns, fieldsets, labels, help, inlines).
import * as React from 'react';
import {
  BulkDeleteButton,
  BulkUpdateButton,
  Button as RaButton,
  Create,
  Datagrid,
  DatagridConfigurable,
  DeleteButton,
  Edit,
  EditButton,
  ExportButton,
  FilterLiveForm,
  Labeled,
  List,
  Pagination,
  ReferenceManyField,
  SaveButton,
  SearchInput,
  SelectColumnsButton,
  Show,
  SimpleForm,
  TopToolbar,
  Toolbar,
  CreateButton,
  useListContext,
  useNotify,
  usePermissions,
  useRecordContext,
  useRedirect,
  useRefresh,
  type RaRecord,
} from 'react-admin';
import { useFormContext } from 'react-hook-form';
import { useLocation } from 'react-router-dom';
import { Box, Button as MuiButton, Card, CardContent, Dialog, DialogActions, DialogContent, DialogTitle, TextField, Tooltip, Typography } from '@mui/material';
import { api } from './api.ts';
import { HistoryPanel } from './History.tsx';
import { fieldsets, helpOf, inlinesOf, searchable, singularOf, type BulkActionMeta, labelOf, listColumns, metaOf, sortableOf, visible, type InlineMeta, type ResourceMeta } from './meta.ts';
import { FieldInput, ValueField, createDefaults } from './fields.tsx';
import { FilterInput, filterNames } from './filters.tsx';
import { may, type Action, type Me } from './perms.ts';

/** The user's right to an action on a resource, with the reason when refused. */
export function useMay(meta: ResourceMeta, action: Action): { ok: boolean; reason: string | null } {
  const { permissions } = usePermissions<Me | null>();
  const declared = action === 'update' ? meta.actions.includes('partial_update') || meta.actions.includes('update') : meta.actions.includes(action);
  if (!declared) return { ok: false, reason: null };
  return may(permissions, meta.path, action);
}

/** A button the user may not use: shown disabled, with the reason as its tooltip. */
function Refused({ label, reason }: { label: string; reason: string }) {
  return (
    <Tooltip title={reason}>
      <span>
        <RaButton label={label} disabled />
      </span>
    </Tooltip>
  );
}

function FilterSidebar({ meta }: { meta: ResourceMeta }) {
  const names = filterNames(meta);
  if (!names.length) return null;
  return (
    <Card sx={{ order: -1, mr: 2, mt: 8, width: 230, flexShrink: 0, alignSelf: 'flex-start', display: { xs: 'none', md: 'block' } }} data-testid="filter-sidebar">
      <CardContent sx={{ '& .MuiFormControl-root': { mb: 0.5 } }}>
        <Typography variant="subtitle2" gutterBottom>
          Filters
        </Typography>
        <FilterLiveForm debounce={400}>
          {names.map((n) => (
            <FilterInput key={n} meta={meta} name={n} />
          ))}
        </FilterLiveForm>
      </CardContent>
    </Card>
  );
}

function ListActions({ meta }: { meta: ResourceMeta }) {
  const create = useMay(meta, 'create');
  return (
    <TopToolbar>
      <SelectColumnsButton />
      {create.ok ? <CreateButton /> : create.reason ? <Refused label="Create" reason={create.reason} /> : null}
      <ExportButton />
    </TopToolbar>
  );
}

/** One declared bulk action: asks for its fields, then posts the selected records to its route. */
function RouteBulkButton({ meta, action }: { meta: ResourceMeta; action: BulkActionMeta }) {
  const { selectedIds, onUnselectItems } = useListContext();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = React.useState(false);
  const [values, setValues] = React.useState<Record<string, string>>({});
  const [method, url] = action.route.includes(' ') ? action.route.split(' ', 2) : ['POST', action.route];
  const run = async () => {
    try {
      await api(url, { method, body: { ids: selectedIds, ...values } });
      notify(`${action.label}: ${selectedIds.length} ${selectedIds.length === 1 ? singularOf(meta).toLowerCase() : menuTitle(meta).toLowerCase()} updated`, { type: 'info' });
      setOpen(false);
      onUnselectItems();
      refresh();
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    }
  };
  return (
    <>
      <RaButton label={action.label} onClick={() => setOpen(true)} />
      <Dialog open={open} onClose={() => setOpen(false)}>
        <DialogTitle>
          {action.label} ({selectedIds.length})
        </DialogTitle>
        <DialogContent>
          {action.confirm ? <Typography variant="body2">{action.confirm}</Typography> : null}
          {(action.fields ?? []).map((f) => (
            <TextField
              key={f}
              name={f}
              label={labelOf(meta, f)}
              value={values[f] ?? ''}
              onChange={(e) => setValues({ ...values, [f]: e.target.value })}
              sx={{ mt: 1 }}
              fullWidth
            />
          ))}
        </DialogContent>
        <DialogActions>
          <MuiButton onClick={() => setOpen(false)}>Cancel</MuiButton>
          <MuiButton variant="contained" onClick={run}>
            {action.label}
          </MuiButton>
        </DialogActions>
      </Dialog>
    </>
  );
}

/** Bulk actions: delete when the user may, and the admin's declared actions. */
function BulkActions({ meta }: { meta: ResourceMeta }) {
  const del = useMay(meta, 'delete');
  const upd = useMay(meta, 'update');
  return (
    <>
      {(meta.admin?.bulkActions ?? []).map((a) =>
        a === 'delete' ? null : upd.ok ? <RouteBulkButton key={a.name} meta={meta} action={a} /> : null,
      )}
      {del.ok ? <BulkDeleteButton mutationMode="pessimistic" /> : null}
    </>
  );
}

/** The date drill-down (admin.dateHierarchy): year, then month, then day, as a date range filter. */
function DateHierarchy({ meta }: { meta: ResourceMeta }) {
  const { filterValues, setFilters, displayedFilters } = useListContext();
  const field = meta.admin?.dateHierarchy;
  if (!field) return null;
  const name = meta.filters.date_range ? 'date_range' : null;
  if (!name) return null;
  const current = String(filterValues[name] ?? '');
  const [from] = current.split(',');
  const year = new Date().getFullYear();
  const set = (range: string | null) => {
    const next = { ...filterValues };
    if (range) next[name] = range;
    else delete next[name];
    setFilters(next, displayedFilters);
  };
  const p = (n: number) => String(n).padStart(2, '0');
  const years = [year, year - 1, year - 2];
  const selYear = from ? Number(from.slice(0, 4)) : null;
  const monthRange = (y: number, m: number) => `${y}-${p(m)}-01,${y}-${p(m)}-${p(new Date(y, m, 0).getDate())}`;
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap', px: 1, pt: 1, fontSize: 14 }} data-testid="date-hierarchy">
      <a href="#" onClick={(e) => (e.preventDefault(), set(null))}>All dates</a>
      {years.map((y) => (
        <a key={y} href="#" style={{ fontWeight: selYear === y ? 700 : 400 }} onClick={(e) => (e.preventDefault(), set(`${y}-01-01,${y}-12-31`))}>
          {y}
        </a>
      ))}
      {selYear
        ? Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
            <a key={m} href="#" onClick={(e) => (e.preventDefault(), set(monthRange(selYear, m)))}>
              {new Date(2000, m - 1, 1).toLocaleString('en', { month: 'short' })}
            </a>
          ))
        : null}
    </Box>
  );
}

export function GenericList({ meta }: { meta: ResourceMeta }) {
  const { all, shown } = listColumns(meta);
  const omit = all.filter((n) => !shown.includes(n));
  const sortable = sortableOf(meta);
  const canOpen = meta.actions.includes('read');
  const canSearch = searchable(meta);
  const order = meta.admin?.ordering?.[0];
  const sort = order ? { field: order.replace(/^-/, ''), order: order.startsWith('-') ? 'DESC' : 'ASC' } : { field: '', order: 'ASC' };
  return (
    <List
      resource={meta.path}
      filters={canSearch ? [<SearchInput key="q" source="q" alwaysOn placeholder="Search" />] : undefined}
      perPage={50}
      sort={sort as { field: string; order: 'ASC' | 'DESC' }}
      actions={<ListActions meta={meta} />}
      aside={<FilterSidebar meta={meta} />}
      title={menuTitle(meta)}
      storeKey={`list.${meta.path}`}
      sx={{ minWidth: 0, '& .RaList-main': { minWidth: 0 }, '& .RaList-content': { overflowX: 'auto' } }}
    >
      {meta.admin?.description ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 2, pt: 1 }}>
          {meta.admin.description}
        </Typography>
      ) : null}
      <DateHierarchy meta={meta} />
      <DatagridConfigurable
        preferenceKey={`columns.${meta.path}`}
        omit={omit}
        rowClick={canOpen ? 'show' : false}
        bulkActionButtons={<BulkActions meta={meta} />}
      >
        {all.map((n) => (
          <ValueField key={n} source={n} name={n} meta={meta.fields[n]} compact label={labelOf(meta, n)} sortable={sortable.has(n)} />
        ))}
      </DatagridConfigurable>
    </List>
  );
}

const menuTitle = (meta: ResourceMeta) => meta.admin?.label ?? labelOf(undefined, meta.path);

/** What names a record: its title field, else its key. */
export function recordName(meta: ResourceMeta, record: Record<string, unknown> | undefined): string {
  if (!record) return '';
  if ((!meta.title || meta.title === 'id') && record.subject && typeof record.start_time === 'string') {
    // sessions and the like: "KS023 2024-03-11 #2"
    return `${record.subject} ${record.start_time.slice(0, 10)}${record.number != null ? ` #${record.number}` : ''}`;
  }
  return String((meta.title ? record[meta.title] : undefined) ?? record.id ?? '');
}

function RecordTitle({ meta }: { meta: ResourceMeta }) {
  const record = useRecordContext();
  return <span>{`${singularOf(meta)} ${recordName(meta, record)}`}</span>;
}

function ShowActions({ meta }: { meta: ResourceMeta }) {
  const upd = useMay(meta, 'update');
  const del = useMay(meta, 'delete');
  const notify = useNotify();
  const record = useRecordContext();
  return (
    <TopToolbar sx={{ flexWrap: 'wrap' }}>
      {upd.ok ? <EditButton /> : upd.reason ? <Refused label="Edit" reason={upd.reason} /> : null}
      {del.ok ? (
        <DeleteButton
          mutationMode="pessimistic"
          mutationOptions={{ onSuccess: () => notify(`${singularOf(meta)} ${recordName(meta, record)} deleted`, { type: 'info' }) }}
        />
      ) : del.reason ? (
        <Refused label="Delete" reason={del.reason} />
      ) : null}
    </TopToolbar>
  );
}

const letters = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

/** Without admin metadata: a nested list field (weighings, data_dataset_session_related) that a related list shows in full. */
function shownInline(meta: ResourceMeta, name: string): boolean {
  const f = meta.fields[name];
  if (f.schema.type !== 'array' || f.ref) return false;
  return inlinesOf(meta).some((i) => letters(name).includes(letters(i.resource).replace(/s$/, '')));
}

/** One field of a record's page; lists and JSON take the whole width. */
function DetailCell({ meta, name }: { meta: ResourceMeta; name: string }) {
  const record = useRecordContext();
  const f = meta.fields[name];
  const v = record?.[name];
  const wide = f.many || Array.isArray(v) || (v !== null && typeof v === 'object') || f.schema.type === 'array' || f.schema.type === 'object';
  return (
    <Box sx={{ minWidth: 0, overflowWrap: 'anywhere', gridColumn: wide ? '1 / -1' : undefined }}>
      <Labeled label={labelOf(meta, name)}>
        <ValueField name={name} meta={f} />
      </Labeled>
    </Box>
  );
}

/** A record's fields, in the admin's fieldsets. */
export function DetailFields({ meta }: { meta: ResourceMeta }) {
  const names = meta.detailFields.filter((n) => visible(meta, n) && !(!meta.admin && shownInline(meta, n)));
  return (
    <Box sx={{ px: 2, pb: 1 }}>
      {fieldsets(meta, names).map((set, i) => (
        <Box key={i} component="section" sx={{ mt: 1.5 }}>
          {set.title ? (
            <Typography variant="subtitle1" sx={{ fontWeight: 600, borderBottom: '1px solid #e0e0e0', mb: 1 }}>
              {set.title}
            </Typography>
          ) : null}
          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: 1.5 }}>
            {set.fields.map((n) => (
              <DetailCell key={n} meta={meta} name={n} />
            ))}
          </Box>
        </Box>
      ))}
    </Box>
  );
}

/** One related list on a record's page (admin.inlines): complete, paginated, with an add button. */
function Inline({ parent, inline }: { parent: ResourceMeta; inline: InlineMeta }) {
  const record = useRecordContext();
  const { permissions } = usePermissions<Me | null>();
  const target = metaOf(inline.resource);
  if (!target || !record) return null;
  const create = may(permissions, target.path, 'create');
  // the field of a new row that names this record: the child's relation to this resource
  const parentField = Object.entries(target.fields).find(([, f]) => f.ref?.resource === parent.path && !f.many && !f.readOnly)?.[0];
  const cols = (inline.columns?.length ? inline.columns : listColumns(target).shown).filter(
    (n) => target.fields[n] && n !== inline.field && n !== parentField,
  );
  const here = `/${parent.path}/${encodeURIComponent(String(record.id))}/show`;
  const canCreate = inline.add !== false && target.actions.includes('create') && create.ok && !!parentField;
  return (
    <Box component="section" sx={{ px: 2, mt: 2 }} data-testid={`inline-${inline.resource}`}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, borderBottom: '1px solid #e0e0e0' }}>
        <Typography variant="subtitle1" sx={{ fontWeight: 600, flexGrow: 1 }}>
          {inline.title ?? menuTitle(target)}
        </Typography>
        {canCreate ? (
          <CreateButton
            resource={target.path}
            label={`Add ${singularOf(target).toLowerCase()}`}
            state={{ record: { [parentField!]: record.id }, returnTo: here }}
          />
        ) : null}
      </Box>
      <ReferenceManyField
        reference={target.path}
        target={inline.field}
        source={inline.value ?? 'id'}
        perPage={25}
        pagination={<Pagination rowsPerPageOptions={[10, 25, 50, 100]} />}
      >
        <Box sx={{ overflowX: 'auto' }}>
          <Datagrid rowClick={target.actions.includes('read') ? 'show' : false} bulkActionButtons={false} empty={<Typography variant="body2" sx={{ py: 1 }}>None.</Typography>}>
            {cols.map((n) => (
              <ValueField key={n} source={n} name={n} meta={target.fields[n]} compact label={labelOf(target, n)} sortable={false} />
            ))}
          </Datagrid>
        </Box>
      </ReferenceManyField>
    </Box>
  );
}

export function GenericShow({ meta, extra }: { meta: ResourceMeta; extra?: React.ReactNode }) {
  return (
    <Show
      resource={meta.path}
      title={<RecordTitle meta={meta} />}
      actions={<ShowActions meta={meta} />}
      sx={{ '& .RaShow-main': { minWidth: 0 }, '& .RaShow-card': { overflow: 'hidden' } }}
    >
      {extra}
      <DetailFields meta={meta} />
      {inlinesOf(meta).map((inl) => (
        <Inline key={`${inl.resource}.${inl.field}`} parent={meta} inline={inl} />
      ))}
      <HistoryPanel />
      <Box sx={{ height: 16 }} />
    </Show>
  );
}

/** Writable fields in display order: detail fields first, then any other writable field. */
function formFields(meta: ResourceMeta): string[] {
  const order = [...meta.detailFields, ...Object.keys(meta.fields)];
  return [...new Set(order)].filter((n) => meta.fields[n] && !meta.fields[n].readOnly && !meta.fields[n].writeOnly && visible(meta, n));
}

/** The form's inputs, grouped in the admin's fieldsets; fields the admin makes read-only are disabled. */
function FormFields({ meta, creating }: { meta: ResourceMeta; creating: boolean }) {
  const readOnly = new Set(meta.admin?.readOnly ?? []);
  return (
    <Box sx={{ width: '100%' }}>
      {fieldsets(meta, formFields(meta)).map((set, i) => (
        <Box key={i} component="fieldset" sx={{ border: 'none', p: 0, m: 0, mb: 1 }}>
          {set.title ? (
            <Typography component="legend" variant="subtitle1" sx={{ fontWeight: 600, mb: 0.5 }}>
              {set.title}
            </Typography>
          ) : null}
          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))', columnGap: 2 }}>
            {set.fields.map((n) => (
              <FieldInput
                key={n}
                name={n}
                meta={meta.fields[n]}
                creating={creating}
                label={labelOf(meta, n)}
                help={helpOf(meta, n)}
                disabled={!creating && readOnly.has(n)}
              />
            ))}
          </Box>
        </Box>
      ))}
    </Box>
  );
}

/** "Weighing recorded for KS023", "Subject KS023 created". */
export function createdMessage(meta: ResourceMeta, data: Record<string, unknown>): string {
  const subject = typeof data.subject === 'string' && meta.path !== 'subjects' ? data.subject : null;
  const what = singularOf(meta);
  if (subject) return `${what} recorded for ${subject}`;
  const name = recordName(meta, data);
  return name && meta.title && meta.title !== 'id' ? `${what} ${name} created` : `${what} created`;
}

export function GenericEdit({ meta }: { meta: ResourceMeta }) {
  const notify = useNotify();
  const redirect = useRedirect();
  return (
    <Edit
      resource={meta.path}
      title={<RecordTitle meta={meta} />}
      mutationMode="pessimistic"
      mutationOptions={{
        onSuccess: (data: RaRecord) => {
          notify(`${singularOf(meta)} ${recordName(meta, data)} saved`, { type: 'info' });
          redirect('show', meta.path, data.id, data);
        },
      }}
    >
      <SimpleForm toolbar={<EditToolbar meta={meta} />}>
        <FormFields meta={meta} creating={false} />
      </SimpleForm>
    </Edit>
  );
}

/** Save, and Delete when the user may delete. */
function EditToolbar({ meta }: { meta: ResourceMeta }) {
  const del = useMay(meta, 'delete');
  return (
    <Toolbar sx={{ display: 'flex', justifyContent: 'space-between' }}>
      <SaveButton />
      {del.ok ? <DeleteButton mutationMode="pessimistic" /> : del.reason ? <Refused label="Delete" reason={del.reason} /> : null}
    </Toolbar>
  );
}

/** Save (back to where the user came from) and "Save and add another" (same form, emptied). */
function CreateToolbar({ meta, afterSave }: { meta: ResourceMeta; afterSave: (data: RaRecord) => void }) {
  const notify = useNotify();
  const { reset } = useFormContext();
  return (
    <Toolbar sx={{ gap: 2 }}>
      <SaveButton mutationOptions={{ onSuccess: afterSave }} type="button" />
      <SaveButton
        label="Save and add another"
        variant="outlined"
        type="button"
        mutationOptions={{
          onSuccess: (data: RaRecord) => {
            notify(createdMessage(meta, data), { type: 'info' });
            reset();
            window.scrollTo(0, 0);
          },
        }}
      />
    </Toolbar>
  );
}

export function GenericCreate({ meta }: { meta: ResourceMeta }) {
  const canRead = meta.actions.includes('read');
  const { permissions } = usePermissions<Me | null>();
  const location = useLocation();
  const notify = useNotify();
  const redirect = useRedirect();
  const returnTo = (location.state as { returnTo?: string } | null)?.returnTo;
  const defaults = React.useMemo(() => createDefaults(meta.fields, permissions?.username ?? null), [meta, permissions]);
  const afterSave = (data: RaRecord) => {
    notify(createdMessage(meta, data), { type: 'info' });
    if (returnTo) redirect(returnTo);
    else if (canRead) redirect('show', meta.path, data.id, data);
    else redirect('list', meta.path);
  };
  return (
    <Create resource={meta.path} title={`New ${singularOf(meta).toLowerCase()}`} mutationOptions={{ onSuccess: afterSave }}>
      <SimpleForm defaultValues={defaults} toolbar={<CreateToolbar meta={meta} afterSave={afterSave} />}>
        <FormFields meta={meta} creating />
      </SimpleForm>
    </Create>
  );
}

export type { RaRecord };
