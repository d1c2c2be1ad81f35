// Browse data: subject → sessions → datasets, loading each level when it is opened.
import * as React from 'react';
import { Link, Title } from 'react-admin';
import {
  Alert,
  Box,
  Card,
  CardContent,
  CircularProgress,
  Collapse,
  List,
  ListItemButton,
  ListItemText,
  TextField,
  Typography,
} from '@mui/material';
import { api, fetchAll } from './api.ts';
import { metaOf } from './meta.ts';

type Row = Record<string, any>;

const lastSegment = (url: unknown) => (typeof url === 'string' ? decodeURIComponent(url.replace(/\/+$/, '').split('/').pop() ?? '') : '');
const sessionId = (s: Row) => String(s.id ?? lastSegment(s.url));
const size = (b: unknown) =>
  typeof b === 'number' ? (b > 1e9 ? `${(b / 1e9).toFixed(1)} GB` : b > 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${Math.round(b / 1e3)} kB`) : '';

function useLoad<T>(load: (() => Promise<T>) | null): { data: T | null; error: string | null } {
  const [state, setState] = React.useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  React.useEffect(() => {
    if (!load) return;
    let live = true;
    load()
      .then((data) => live && setState({ data, error: null }))
      .catch((e: Error) => live && setState({ data: null, error: e.message }));
    return () => {
      live = false;
    };
  }, [load]);
  return state;
}

function Datasets({ session }: { session: string }) {
  const load = React.useCallback(() => fetchAll<Row>(`/datasets?session=${encodeURIComponent(session)}`, 1000), [session]);
  const { data, error } = useLoad(load);
  if (error) return <Alert severity="warning">{error}</Alert>;
  if (!data) return <CircularProgress size={16} sx={{ ml: 8 }} />;
  if (!data.length) return <Typography sx={{ pl: 8 }} variant="body2">No datasets.</Typography>;
  return (
    <List dense disablePadding>
      {data.map((d) => {
        const path = [d.collection, d.revision ? `#${d.revision}#` : '', d.name].filter(Boolean).join('/');
        const id = d.id ?? lastSegment(d.url);
        return (
          <ListItemText
            key={id}
            sx={{ pl: 8 }}
            primary={metaOf('datasets') ? <Link to={`/datasets/${encodeURIComponent(id)}/show`}>{path}</Link> : path}
            secondary={[d.dataset_type, size(d.file_size), d.qc && d.qc !== 'NOT_SET' ? `QC ${d.qc}` : ''].filter(Boolean).join(' · ')}
          />
        );
      })}
    </List>
  );
}

function SessionNode({ session }: { session: Row }) {
  const [open, setOpen] = React.useState(false);
  const id = sessionId(session);
  const when = String(session.start_time ?? '').replace('T', ' ').slice(0, 16);
  return (
    <>
      <ListItemButton sx={{ pl: 4 }} onClick={() => setOpen(!open)} data-testid="tree-session">
        <ListItemText
          primary={`${open ? '▾' : '▸'} ${when} #${session.number ?? ''} ${session.task_protocol ?? ''}`}
          secondary={[session.lab, ...(session.projects ?? [])].filter(Boolean).join(' · ')}
        />
        {metaOf('sessions') ? (
          <Link to={`/sessions/${encodeURIComponent(id)}/show`} onClick={(e: React.MouseEvent) => e.stopPropagation()}>
            open
          </Link>
        ) : null}
      </ListItemButton>
      <Collapse in={open} unmountOnExit>
        <Datasets session={id} />
      </Collapse>
    </>
  );
}

function Sessions({ nickname }: { nickname: string }) {
  const load = React.useCallback(() => fetchAll<Row>(`/sessions?subject=${encodeURIComponent(nickname)}`, 1000), [nickname]);
  const { data, error } = useLoad(load);
  if (error) return <Alert severity="warning">{error}</Alert>;
  if (!data) return <CircularProgress size={16} sx={{ ml: 4 }} />;
  if (!data.length) return <Typography sx={{ pl: 4 }} variant="body2">No sessions.</Typography>;
  return (
    <List dense disablePadding>
      {data.map((s) => (
        <SessionNode key={sessionId(s)} session={s} />
      ))}
    </List>
  );
}

function SubjectNode({ subject }: { subject: Row }) {
  const [open, setOpen] = React.useState(false);
  return (
    <>
      <ListItemButton onClick={() => setOpen(!open)} data-testid="tree-subject">
        <ListItemText
          primary={`${open ? '▾' : '▸'} ${subject.nickname}`}
          secondary={[subject.lab, subject.responsible_user, subject.alive === false ? 'dead' : ''].filter(Boolean).join(' · ')}
        />
      </ListItemButton>
      <Collapse in={open} unmountOnExit>
        <Sessions nickname={subject.nickname} />
      </Collapse>
    </>
  );
}

export default function DataTree() {
  const [search, setSearch] = React.useState('');
  const [query, setQuery] = React.useState('');
  React.useEffect(() => {
    const t = setTimeout(() => setQuery(search.trim()), 300);
    return () => clearTimeout(t);
  }, [search]);
  const load = React.useCallback(async () => {
    const filter = query ? `&django=${encodeURIComponent(`nickname__icontains,${query.replace(/,/g, ' ')}`)}` : '';
    const page = await api<{ results?: Row[]; count?: number } | Row[]>(`/subjects?limit=100${filter}`);
    return Array.isArray(page) ? { rows: page, count: page.length } : { rows: page.results ?? [], count: page.count ?? 0 };
  }, [query]);
  const { data, error } = useLoad(load);
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Data tree" />
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 1 }}>
          <Typography variant="h6">Subjects → sessions → datasets</Typography>
          <TextField size="small" label="Subject" sx={{ width: 240 }} value={search} onChange={(e) => setSearch(e.target.value)} />
          {data ? (
            <Typography variant="body2" color="text.secondary">
              {data.rows.length < data.count ? `first ${data.rows.length} of ${data.count}` : `${data.count} subjects`}
            </Typography>
          ) : null}
        </Box>
        {error ? <Alert severity="warning">{error}</Alert> : null}
        {!data && !error ? <CircularProgress size={24} /> : null}
        <List dense data-testid="data-tree">
          {(data?.rows ?? []).map((s) => (
            <SubjectNode key={s.nickname} subject={s} />
          ))}
        </List>
      </CardContent>
    </Card>
  );
}
