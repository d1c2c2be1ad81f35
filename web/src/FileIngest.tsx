// What the repository scanner could not register, per repository (GET /ingest/issues), with the
// one-click fixes it offers (POST /ingest/issues/<id>/fix) and a button to scan again
// (POST /ingest/scan, then GET /ingest/scan until it has ended).
import * as React from 'react';
import { Title, useNotify } from 'react-admin';
import { Alert, Box, Button, Card, CardContent, CircularProgress, MenuItem, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { api } from './api.ts';

interface Issue {
  id: string;
  data_repository: string;
  relative_path: string;
  reason: string;
  detail: string;
  fix: string | null;
}
interface ScanState {
  running: boolean;
  repository: string | null;
  summary: { filesRegistered: number; sessionsRead: number; sessionsCreated: number; issues: Record<string, number>; seconds: number } | null;
  error: string | null;
  repositories: string[];
}

const PAGE = 50;
const REASON_LABEL: Record<string, string> = {
  unknown_subject: 'Unknown subject',
  no_session: 'No session',
  bad_alf_path: 'Not an ALF folder',
  bad_alf_name: 'Not an ALF file name',
  no_dataset_type: 'No dataset type',
  ambiguous_dataset_type: 'Several dataset types match',
  unknown_format: 'Unknown file format',
  protected_differs: 'Differs from a protected dataset',
  changed: 'Changed since registration',
  symlink_outside: 'Link out of the repository',
  error: 'Error',
};
const FIX_LABEL: Record<string, string> = { create_subject: 'Create the subject', create_dataset_type: 'Create the dataset type' };

export default function FileIngest() {
  const notify = useNotify();
  const [scan, setScan] = React.useState<ScanState | null>(null);
  const [repository, setRepository] = React.useState('');
  const [issues, setIssues] = React.useState<Issue[] | null>(null);
  const [count, setCount] = React.useState(0);
  const [error, setError] = React.useState<string | null>(null);

  const loadIssues = React.useCallback(
    async (offset = 0) => {
      try {
        const q = `/ingest/issues?limit=${PAGE}&offset=${offset}${repository ? `&repository=${encodeURIComponent(repository)}` : ''}`;
        const page = await api<{ count: number; results: Issue[] }>(q);
        setCount(page.count);
        setIssues((prev) => (offset === 0 ? page.results : [...(prev ?? []), ...page.results]));
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [repository],
  );
  const loadScan = React.useCallback(async () => setScan(await api<ScanState>('/ingest/scan')), []);
  React.useEffect(() => {
    void loadIssues(0);
  }, [loadIssues]);
  React.useEffect(() => {
    void loadScan().catch((e: Error) => setError(e.message));
  }, [loadScan]);
  // while a scan runs, ask every 2 s; when it ends, the issues are read again
  React.useEffect(() => {
    if (!scan?.running) return;
    const timer = setInterval(async () => {
      const s = await api<ScanState>('/ingest/scan');
      setScan(s);
      if (!s.running) {
        clearInterval(timer);
        void loadIssues(0);
        notify(s.error ? `Scan failed: ${s.error}` : `Scan done: ${s.summary?.filesRegistered ?? 0} files registered`, { type: s.error ? 'warning' : 'info' });
      }
    }, 2000);
    return () => clearInterval(timer);
  }, [scan?.running, loadIssues, notify]);

  const startScan = async () => {
    try {
      setScan(await api<ScanState>('/ingest/scan', { method: 'POST', body: repository ? { repository } : {} }));
    } catch (e) {
      notify((e as Error).message, { type: 'warning' });
    }
  };
  const fix = async (issue: Issue) => {
    try {
      await api(`/ingest/issues/${issue.id}/fix`, { method: 'POST', body: {} });
      notify(`${FIX_LABEL[issue.fix!] ?? 'Fixed'}: done. Scan again to register the files.`, { type: 'info' });
      void loadIssues(0);
    } catch (e) {
      notify((e as Error).message, { type: 'warning' });
    }
  };

  return (
    <Card sx={{ mt: 2 }} data-testid="file-ingest">
      <Title title="File ingest" />
      <CardContent>
        <Typography variant="h6" gutterBottom>
          Files the scanner could not register
        </Typography>
        <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap', mb: 2 }}>
          <TextField select size="small" fullWidth={false} label="Repository" value={repository} onChange={(e) => setRepository(e.target.value)} sx={{ width: 280 }}>
            <MenuItem value="">All repositories</MenuItem>
            {(scan?.repositories ?? []).map((r) => (
              <MenuItem key={r} value={r}>
                {r}
              </MenuItem>
            ))}
          </TextField>
          <Button variant="contained" onClick={() => void startScan()} disabled={!scan || scan.running || scan.repositories.length === 0}>
            {scan?.running ? 'Scanning…' : 'Scan now'}
          </Button>
          {scan?.running ? <CircularProgress size={20} /> : null}
          {scan && !scan.running && scan.summary ? (
            <Typography variant="body2" color="text.secondary">
              Last scan: {scan.summary.filesRegistered} files registered, {scan.summary.sessionsRead} sessions read, {scan.summary.sessionsCreated} created, in {scan.summary.seconds.toFixed(1)} s
            </Typography>
          ) : null}
          {scan && scan.repositories.length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              No repository has a directory in the configuration (see the README: repositories).
            </Typography>
          ) : null}
        </Box>
        {error ? <Alert severity="warning">{error}</Alert> : null}
        {scan?.error ? <Alert severity="warning">{scan.error}</Alert> : null}
        {issues && issues.length === 0 ? <Typography variant="body2">Nothing to fix: every file found was registered.</Typography> : null}
        {issues && issues.length > 0 ? (
          <Box sx={{ overflowX: 'auto' }}>
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Repository</TableCell>
                  <TableCell>Path</TableCell>
                  <TableCell>Reason</TableCell>
                  <TableCell>Detail</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {issues.map((i) => (
                  <TableRow key={i.id}>
                    <TableCell>{i.data_repository}</TableCell>
                    <TableCell sx={{ wordBreak: 'break-all' }}>{i.relative_path}</TableCell>
                    <TableCell>{REASON_LABEL[i.reason] ?? i.reason}</TableCell>
                    <TableCell sx={{ wordBreak: 'break-word' }}>{i.detail}</TableCell>
                    <TableCell>
                      {i.fix ? (
                        <Button size="small" variant="outlined" onClick={() => void fix(i)}>
                          {FIX_LABEL[i.fix] ?? i.fix}
                        </Button>
                      ) : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
        ) : null}
        {issues && issues.length < count ? (
          <Button size="small" onClick={() => void loadIssues(issues.length)}>
            Show more ({count - issues.length})
          </Button>
        ) : null}
      </CardContent>
    </Card>
  );
}
