// The home page: the lab's state today from GET /api/dashboard — water-restricted subjects with
// today's weight against the expected weight (flagged when below threshold, not weighed or not
// watered today), recent sessions, and counts. Older servers: built from the list endpoints.
import * as React from 'react';
import { Link, Title } from 'react-admin';
import { Alert, Box, Card, CardContent, Chip, CircularProgress, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { loadDashboard, type DashboardData } from './dashboard-data.ts';
import { metaOf } from './meta.ts';
import { RecordButtons } from './RecordButtons.tsx';

const FLAG_LABEL: Record<string, string> = {
  below_threshold: 'below threshold',
  weight_warning: 'weight warning',
  not_weighed: 'not weighed today',
  no_water_today: 'no water today',
};
const fmt = (v: number | null, unit: string, d = 2) => (v === null ? '—' : `${v.toFixed(d)}${unit}`);

export default function Dashboard() {
  const [data, setData] = React.useState<DashboardData | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const reload = React.useCallback(() => {
    loadDashboard().then(setData, (e: Error) => setError(e.message));
  }, []);
  React.useEffect(reload, [reload]);
  const subjects = !!metaOf('subjects');
  return (
    <Box sx={{ mt: 2, display: 'grid', gap: 2 }} data-testid="dashboard">
      <Title title="Alyx-local" />
      {error ? <Alert severity="warning">{error}</Alert> : null}
      {!data && !error ? <CircularProgress size={24} /> : null}
      {data ? (
        <>
          <Card>
            <CardContent>
              <Typography variant="h6" gutterBottom>
                Water-restricted subjects today
              </Typography>
              {data.restricted.length === 0 ? (
                <Typography variant="body2">No subject is under water restriction.</Typography>
              ) : (
                <Box sx={{ overflowX: 'auto' }}>
                  <Table size="small" data-testid="dashboard-restricted">
                    <TableHead>
                      <TableRow>
                        <TableCell>Subject</TableCell>
                        <TableCell align="right">Weight today</TableCell>
                        <TableCell align="right">Expected</TableCell>
                        <TableCell align="right">%</TableCell>
                        <TableCell align="right">Water remaining</TableCell>
                        <TableCell>Attention</TableCell>
                        <TableCell />
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {data.restricted.map((r) => (
                        <TableRow key={r.nickname} data-flags={r.flags.join(' ')} sx={r.flags.includes('below_threshold') ? { bgcolor: '#ffebee' } : undefined}>
                          <TableCell>{subjects ? <Link to={`/subjects/${encodeURIComponent(r.nickname)}/show`}>{r.nickname}</Link> : r.nickname}</TableCell>
                          <TableCell align="right">{fmt(r.weight, ' g')}</TableCell>
                          <TableCell align="right">{fmt(r.expected_weight, ' g')}</TableCell>
                          <TableCell align="right" sx={{ fontWeight: r.flags.includes('below_threshold') ? 700 : 400, color: r.flags.includes('below_threshold') ? '#c62828' : undefined }}>
                            {fmt(r.percentage, ' %', 1)}
                          </TableCell>
                          <TableCell align="right">{fmt(r.remaining_water, ' mL')}</TableCell>
                          <TableCell>
                            {r.flags.map((f) => (
                              <Chip key={f} size="small" color={f === 'below_threshold' ? 'error' : 'warning'} label={FLAG_LABEL[f] ?? f} sx={{ mr: 0.5 }} />
                            ))}
                          </TableCell>
                          <TableCell>
                            <RecordButtons nickname={r.nickname} onDone={reload} />
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </Box>
              )}
            </CardContent>
          </Card>
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: data.counts.length ? '2fr 1fr' : '1fr' }, gap: 2 }}>
            <Card>
              <CardContent>
                <Typography variant="h6" gutterBottom>
                  Recent sessions
                </Typography>
                {data.sessions.length === 0 ? <Typography variant="body2">No sessions yet.</Typography> : null}
                {data.sessions.map((s) => (
                  <Box key={s.key} sx={{ py: 0.5, borderBottom: '1px solid #eee', fontSize: 14 }}>
                    <Link to={`/sessions/${encodeURIComponent(s.key)}/show`}>{s.start_time.replace('T', ' ').slice(0, 16)}</Link> · {s.subject}{' '}
                    <span style={{ color: '#666' }}>{s.label}</span>
                  </Box>
                ))}
              </CardContent>
            </Card>
            {data.counts.length ? <Card>
              <CardContent>
                <Typography variant="h6" gutterBottom>
                  In the database
                </Typography>
                {data.counts.map((c) => (
                  <Box key={c.label} sx={{ display: 'flex', justifyContent: 'space-between', fontSize: 14, py: 0.25 }}>
                    {c.resource && metaOf(c.resource) ? <Link to={`/${c.resource}`}>{c.label}</Link> : <span>{c.label}</span>}
                    <b>{c.count}</b>
                  </Box>
                ))}
              </CardContent>
            </Card> : null}
          </Box>
        </>
      ) : null}
    </Box>
  );
}
