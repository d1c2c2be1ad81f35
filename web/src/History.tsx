// The change history of one record (GET /history?object=<uuid>): who changed what, when and through
// which channel, newest first, 10 at a time. Shown at the foot of every record page.
import * as React from 'react';
import { useRecordContext } from 'react-admin';
import { Box, Button, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { api } from './api.ts';
import { RAW_ID } from './dataProvider.ts';

interface HistoryEntry {
  id: string;
  datetime: string;
  user: string;
  channel: string;
  action: string;
  changes: Record<string, unknown>;
}

const PAGE = 10;
const CHANNELS: Record<string, string> = { session: 'web', token: 'API', cli: 'command line', import: 'import', system: 'server' };

/** One line per changed field: "weight: 20.1 → 20.4"; a created or deleted record lists its values. */
export function describeChanges(action: string, changes: Record<string, unknown>): string[] {
  const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return Object.entries(changes).map(([k, v]) =>
    action === 'update' && Array.isArray(v) && v.length === 2 ? `${k}: ${show(v[0])} → ${show(v[1])}` : `${k}: ${show(v)}`,
  );
}

export function HistoryPanel() {
  const record = useRecordContext();
  const uuid = record ? String(record[RAW_ID] ?? record.id) : null;
  const [entries, setEntries] = React.useState<HistoryEntry[]>([]);
  const [count, setCount] = React.useState<number | null>(null);
  const [failed, setFailed] = React.useState<string | null>(null);

  const load = React.useCallback(
    async (offset: number) => {
      if (!uuid) return;
      try {
        const page = await api<{ count: number; results: HistoryEntry[] }>(`/history?object=${encodeURIComponent(uuid)}&limit=${PAGE}&offset=${offset}`);
        setCount(page.count);
        setEntries((prev) => (offset === 0 ? page.results : [...prev, ...page.results]));
      } catch (e) {
        setFailed((e as Error).message);
      }
    },
    [uuid],
  );
  React.useEffect(() => {
    void load(0);
  }, [load]);

  if (!uuid || failed) return null; // public users do not see the history
  return (
    <Box sx={{ mt: 3, px: 2 }} data-testid="history-panel">
      <Typography variant="h6" gutterBottom>
        History
      </Typography>
      {count === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No change recorded since the audit trail began.
        </Typography>
      ) : (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Who</TableCell>
              <TableCell>What</TableCell>
              <TableCell>Changes</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {entries.map((e) => (
              <TableRow key={e.id}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{new Date(e.datetime).toLocaleString()}</TableCell>
                <TableCell>
                  {e.user || '—'} <Typography component="span" variant="caption" color="text.secondary">({CHANNELS[e.channel] ?? e.channel})</Typography>
                </TableCell>
                <TableCell>{e.action === 'create' ? 'created' : e.action === 'update' ? 'changed' : e.action === 'delete' ? 'deleted' : e.action}</TableCell>
                <TableCell sx={{ wordBreak: 'break-word' }}>
                  {describeChanges(e.action, e.changes).map((line) => (
                    <div key={line}>{line}</div>
                  ))}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {count !== null && entries.length < count && (
        <Button size="small" onClick={() => void load(entries.length)}>
          Show older changes ({count - entries.length} more)
        </Button>
      )}
    </Box>
  );
}
