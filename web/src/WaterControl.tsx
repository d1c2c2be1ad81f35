// Subjects under water restriction with today's expected and remaining water (GET /water-restricted-subjects).
import * as React from 'react';
import { Link, Title } from 'react-admin';
import { Alert, Box, Card, CardContent, CircularProgress, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { fetchAll } from './api.ts';
import { metaOf } from './meta.ts';
import { RecordButtons } from './RecordButtons.tsx';

interface Restricted {
  nickname: string;
  expected_water: number | null;
  remaining_water: number | null;
  reference_weight: number | null;
  last_water_restriction: string | null;
  reference_weight_pct?: number | null;
  zscore_weight_pct?: number | null;
}

const ml = (v: number | null | undefined) => (typeof v === 'number' ? `${v.toFixed(2)} mL` : '—');

export default function WaterControl() {
  const [rows, setRows] = React.useState<Restricted[] | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const reload = React.useCallback(() => {
    fetchAll<Restricted>('/water-restricted-subjects')
      .then(setRows)
      .catch((e: Error) => setError(e.message));
  }, []);
  React.useEffect(reload, [reload]);
  const subjectsListed = !!metaOf('subjects');
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Water control" />
      <CardContent>
        <Typography variant="h6" gutterBottom>
          Water-restricted subjects
        </Typography>
        {error ? <Alert severity="warning">{error}</Alert> : null}
        {!rows && !error ? <CircularProgress size={24} /> : null}
        {rows && rows.length === 0 ? <Typography variant="body2">No subject is under water restriction.</Typography> : null}
        {rows && rows.length > 0 ? (
          <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" data-testid="water-control" sx={{ '& td, & th': { py: 1 } }}>
            <TableHead>
              <TableRow>
                <TableCell>Subject</TableCell>
                <TableCell>Restricted since</TableCell>
                <TableCell align="right">Reference weight</TableCell>
                <TableCell align="right">Expected water today</TableCell>
                <TableCell align="right">Remaining water today</TableCell>
                <TableCell>Record</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map((r) => {
                const due = typeof r.remaining_water === 'number' && r.remaining_water > 0;
                return (
                  <TableRow key={r.nickname}>
                    <TableCell>
                      {subjectsListed ? <Link to={`/subjects/${encodeURIComponent(r.nickname)}/show`}>{r.nickname}</Link> : r.nickname}
                    </TableCell>
                    <TableCell>{r.last_water_restriction ? r.last_water_restriction.replace('T', ' ').slice(0, 16) : '—'}</TableCell>
                    <TableCell align="right">{typeof r.reference_weight === 'number' ? `${r.reference_weight.toFixed(1)} g` : '—'}</TableCell>
                    <TableCell align="right">{ml(r.expected_water)}</TableCell>
                    <TableCell align="right" sx={{ fontWeight: due ? 700 : 400, color: due ? '#c62828' : '#2e7d32' }}>
                      {ml(r.remaining_water)}
                    </TableCell>
                    <TableCell>
                      <RecordButtons nickname={r.nickname} onDone={reload} />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
          </Box>
        ) : null}
      </CardContent>
    </Card>
  );
}
