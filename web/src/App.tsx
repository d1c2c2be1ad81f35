// The admin application: resources come from GET /api/ui-meta once the user is logged in.
import * as React from 'react';
import { Route } from 'react-router-dom';
import {
  Admin,
  CustomRoutes,
  Layout,
  Menu,
  Resource,
  usePermissions,
  useRecordContext,
  useRefresh,
  type LayoutProps,
} from 'react-admin';
import { Box, CircularProgress, Divider, ListSubheader, Typography } from '@mui/material';
import { api } from './api.ts';
import { authProvider } from './authProvider.ts';
import { drfDataProvider } from './dataProvider.ts';
import { allMeta, humanize, menuOf, metaOf, setMetadata, type ResourceMeta } from './meta.ts';
import Dashboard from './Dashboard.tsx';
import { RecordButtons } from './RecordButtons.tsx';
import { may, readOnlyUser, type Me } from './perms.ts';
import { GenericCreate, GenericEdit, GenericList, GenericShow } from './screens.tsx';

// recharts and the custom pages load on first use, outside the main bundle
const WeightCurve = React.lazy(() => import('./WeightCurve.tsx'));
const WaterControl = React.lazy(() => import('./WaterControl.tsx'));
const FileIngest = React.lazy(() => import('./FileIngest.tsx'));
const DataTree = React.lazy(() => import('./DataTree.tsx'));

const Lazy = ({ children }: { children: React.ReactNode }) => (
  <React.Suspense fallback={<CircularProgress size={24} />}>{children}</React.Suspense>
);

/** Group order of the menu (spec-core §5.1); groups the admin names that are not here come after. */
const GROUPS = ['Colony', 'Actions', 'Experiments', 'Data', 'Jobs', 'Admin', 'Subject management', 'Data files', 'Ephys and imaging', 'Lab admin', 'Other'];

/** The menu: one entry per model, grouped by the admin's menu declaration. */
export function grouped(): Array<[string, Array<ResourceMeta & { label: string }>]> {
  const byGroup = new Map<string, Array<ResourceMeta & { label: string; order: number }>>();
  const models = new Set<string>();
  for (const m of allMeta()) {
    if (!m.actions.includes('list')) continue;
    const entry = menuOf(m);
    if (!entry) continue;
    // one entry per model (the server's menu may list a second path of a model under its own label)
    if (models.has(m.model) && !m.admin?.label) continue;
    models.add(m.model);
    pushTo(byGroup, entry.group, { ...m, label: entry.label, order: entry.order });
  }
  const names = [...byGroup.keys()].sort((a, b) => (GROUPS.indexOf(a) + 1 || 99) - (GROUPS.indexOf(b) + 1 || 99));
  return names.map((g) => [g, byGroup.get(g)!.sort((a, b) => a.order - b.order || a.label.localeCompare(b.label))]);
}

function pushTo<K, V>(map: Map<K, V[]>, k: K, v: V) {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

function AlyxMenu() {
  return (
    <Menu>
      <Menu.DashboardItem primaryText="Today" />
      <Menu.Item to="/water-control" primaryText="Water control" />
      <Menu.Item to="/data-tree" primaryText="Data tree" />
      <Menu.Item to="/file-ingest" primaryText="File ingest" />
      {grouped().map(([group, metas]) => (
        <React.Fragment key={group}>
          <Divider />
          <ListSubheader disableSticky sx={{ lineHeight: '32px', bgcolor: 'transparent' }}>
            {group}
          </ListSubheader>
          {metas.map((m) => (
            <Menu.ResourceItem key={m.path} name={m.path} />
          ))}
        </React.Fragment>
      ))}
    </Menu>
  );
}

/** The content column may shrink below its table's width (the table scrolls, not the page). */
const AlyxLayout = (props: LayoutProps) => (
  <Layout {...props} menu={AlyxMenu} sx={{ minWidth: 0, '& .RaLayout-appFrame': { minWidth: 0 }, '& .RaLayout-content': { minWidth: 0 }, '& .RaLayout-contentWithSidebar': { minWidth: 0 } }} />
);

/** Shown while the user and the metadata load (no blank page after login). */
function Loading() {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 2, height: '100vh' }} data-testid="loading">
      <CircularProgress size={32} />
      <Typography>Loading Alyx-local…</Typography>
    </Box>
  );
}

/** Extra content of a resource's show page. */
function SubjectExtras() {
  const record = useRecordContext();
  const { permissions } = usePermissions<Me | null>();
  const [version, setVersion] = React.useState(0);
  const refresh = useRefresh();
  if (!record?.nickname) return null;
  const canRecord = may(permissions, 'weighings', 'create').ok && !!metaOf('weighings')?.actions.includes('create');
  return (
    <Box sx={{ px: 2, pt: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, borderBottom: '1px solid #e0e0e0' }}>
        <Typography variant="subtitle1" sx={{ fontWeight: 600, flexGrow: 1 }}>
          Weight and water
        </Typography>
        {canRecord ? <RecordButtons nickname={String(record.nickname)} onDone={() => (setVersion((v) => v + 1), refresh())} /> : null}
      </Box>
      <Lazy>
        <WeightCurve key={version} nickname={String(record.nickname)} />
      </Lazy>
    </Box>
  );
}

const EXTRAS: Record<string, React.ReactNode> = { subjects: <SubjectExtras /> };

function resourceElement(m: ResourceMeta) {
  const can = (a: string) => m.actions.includes(a);
  return (
    <Resource
      key={m.path}
      name={m.path}
      options={{ label: menuOf(m)?.label ?? humanize(m.path) }}
      recordRepresentation={m.title ?? 'id'}
      list={can('list') ? <GenericList meta={m} /> : undefined}
      show={can('read') ? <GenericShow meta={m} extra={EXTRAS[m.path]} /> : undefined}
      edit={can('partial_update') || can('update') ? <GenericEdit meta={m} /> : undefined}
      create={can('create') ? <GenericCreate meta={m} /> : undefined}
    />
  );
}

/** Called by react-admin once permissions (the logged-in user) are known. */
async function loadResources(permissions: unknown) {
  const routes = (
    <CustomRoutes key="custom">
      <Route path="/water-control" element={<Lazy><WaterControl /></Lazy>} />
      <Route path="/data-tree" element={<Lazy><DataTree /></Lazy>} />
      <Route path="/file-ingest" element={<Lazy><FileIngest /></Lazy>} />
    </CustomRoutes>
  );
  if (!permissions) return [routes];
  try {
    const list = await api<ResourceMeta[]>('/api/ui-meta');
    // public users are read-only (spec-core 5.2): no create, edit or delete screens for them
    const readOnly = readOnlyUser(permissions as Me);
    setMetadata(readOnly ? list.map((m) => ({ ...m, actions: m.actions.filter((a) => a === 'list' || a === 'read') })) : list);
  } catch {
    setMetadata([]);
  }
  return [...allMeta().map(resourceElement), routes];
}

export default function App() {
  return (
    <Admin
      title="Alyx-local"
      dataProvider={drfDataProvider}
      authProvider={authProvider}
      layout={AlyxLayout}
      dashboard={Dashboard}
      loading={Loading}
      requireAuth
      disableTelemetry
    >
      {loadResources}
    </Admin>
  );
}
