// The admin application: resources come from GET /api/ui-meta once the user is logged in.
import * as React from 'react';
import { Route } from 'react-router-dom';
import {
  Admin,
  CustomRoutes,
  Layout,
  Menu,
  Resource,
  Title,
  useRecordContext,
  type LayoutProps,
} from 'react-admin';
import { Box, Card, CardContent, CircularProgress, Divider, ListSubheader, Typography } from '@mui/material';
import { api } from './api.ts';
import { authProvider } from './authProvider.ts';
import { drfDataProvider } from './dataProvider.ts';
import { allMeta, humanize, setMetadata, type ResourceMeta } from './meta.ts';
import { GenericCreate, GenericEdit, GenericList, GenericShow } from './screens.tsx';

// recharts and the custom pages load on first use, outside the main bundle
const WeightCurve = React.lazy(() => import('./WeightCurve.tsx'));
const WaterControl = React.lazy(() => import('./WaterControl.tsx'));
const DataTree = React.lazy(() => import('./DataTree.tsx'));

const Lazy = ({ children }: { children: React.ReactNode }) => (
  <React.Suspense fallback={<CircularProgress size={24} />}>{children}</React.Suspense>
);

/** Group order of the admin home (spec-core §5.1). */
const GROUPS = ['Subject management', 'Experiments', 'Data files', 'Ephys and imaging', 'Lab admin', 'Other'];

function grouped(): Array<[string, ResourceMeta[]]> {
  const list = allMeta().filter((m) => m.actions.includes('list'));
  return GROUPS.map((g) => [g, list.filter((m) => (GROUPS.includes(m.group) ? m.group : 'Other') === g)] as [string, ResourceMeta[]]).filter(
    ([, ms]) => ms.length > 0,
  );
}

function AlyxMenu() {
  return (
    <Menu>
      <Menu.DashboardItem />
      <Menu.Item to="/water-control" primaryText="Water control" />
      <Menu.Item to="/data-tree" primaryText="Data tree" />
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

const AlyxLayout = (props: LayoutProps) => <Layout {...props} menu={AlyxMenu} />;

function Dashboard() {
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Alyx-local" />
      <CardContent>
        <Typography variant="h5" gutterBottom>
          Welcome to Alyx-local
        </Typography>
        <Typography variant="body2" sx={{ mb: 2 }}>
          Daily pages: <a href="#/water-control">Water control</a> · <a href="#/data-tree">Data tree</a> ·{' '}
          <a href="/docs/">REST API</a>
        </Typography>
        <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', gap: 2 }}>
          {grouped().map(([group, metas]) => (
            <Box key={group}>
              <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
                {group}
              </Typography>
              {metas.map((m) => (
                <div key={m.path}>
                  <a href={`#/${m.path}`}>{humanize(m.path)}</a>
                </div>
              ))}
            </Box>
          ))}
        </Box>
      </CardContent>
    </Card>
  );
}

/** Extra content of a resource's show page. */
function SubjectExtras() {
  const record = useRecordContext();
  if (!record?.nickname) return null;
  return (
    <Box sx={{ px: 2, pt: 2 }}>
      <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
        Weight curve
      </Typography>
      <Lazy>
        <WeightCurve nickname={String(record.nickname)} />
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
      options={{ label: humanize(m.path) }}
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
    </CustomRoutes>
  );
  if (!permissions) return [routes];
  try {
    const list = await api<ResourceMeta[]>('/api/ui-meta');
    // public users are read-only (spec-core 5.2): no create, edit or delete screens for them
    const readOnly = (permissions as { is_public_user?: boolean }).is_public_user === true;
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
      requireAuth
      disableTelemetry
    >
      {loadResources}
    </Admin>
  );
}
