// The subject's weight curve: weighings, with the expected and minimum weight of the
// water-control rules when /water-requirement answers (spec-core §2.12, §4.2).
import * as React from 'react';
import { Brush, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Alert, Box, Button, CircularProgress, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { api, fetchAll } from './api.ts';
import { mergeSeries, tick, type CurveData, type RequirementRecord, type Weighing } from './curve.ts';

export default function WeightCurve({ nickname }: { nickname: string }) {
  const [data, setData] = React.useState<CurveData | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    let live = true;
    (async () => {
      const weighings = await fetchAll<Weighing>(`/weighings?subject=${encodeURIComponent(nickname)}`);
      let records: RequirementRecord[] | null = null;
      let expected: CurveData['expected'] = 'none';
      if (weighings.length) {
        try {
          const req = await api<{ records?: RequirementRecord[] }>(`/water-requirement/${encodeURIComponent(nickname)}`);
          records = req.records ?? [];
          expected = 'ok';
        } catch {
          expected = 'unavailable'; // endpoint missing or no data: the weighings are still worth showing
        }
      }
      if (live) setData({ ...mergeSeries(weighings, records), records: records ?? [], weighings: weighings.length, expected });
    })().catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [nickname]);

  if (error) return <Alert severity="warning">Weighings could not be loaded: {error}</Alert>;
  if (!data) return <CircularProgress size={24} />;
  if (!data.weighings) return <Typography variant="body2">No weighings yet.</Typography>;
  return (
    <Box data-testid="weight-curve">
      <Box sx={{ width: '100%', height: 320 }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data.points} margin={{ top: 10, right: 30, bottom: 10, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={tick} />
            <YAxis unit=" g" width={64} domain={["auto", "auto"]} />
            <Tooltip labelFormatter={(t) => tick(Number(t))} />
            <Legend />
            <Line name="weight" dataKey="weight" stroke="#1565c0" strokeWidth={2} connectNulls isAnimationActive={false} />
            {Array.from({ length: data.periods }, (_, k) => [
              <Line key={`e${k}`} name="expected" legendType={k ? 'none' : 'line'} dataKey={`expected_${k}`} stroke="#2e7d32" strokeDasharray="6 3" dot={false} connectNulls isAnimationActive={false} />,
              <Line key={`m${k}`} name="threshold" legendType={k ? 'none' : 'line'} dataKey={`min_${k}`} stroke="#c62828" strokeDasharray="2 3" dot={false} connectNulls isAnimationActive={false} />,
            ])}
            {data.points.length > 10 ? <Brush dataKey="t" height={28} tickFormatter={tick} travellerWidth={14} /> : null}
          </LineChart>
        </ResponsiveContainer>
      </Box>
      {data.records.length ? <WaterHistory records={data.records} /> : null}
      {data.expected === 'unavailable' ? (
        <Typography variant="caption" color="text.secondary">
          Expected weight unavailable (no water-requirement data for this subject).
        </Typography>
      ) : null}
    </Box>
  );
}

const fmt = (v: number | null | undefined, digits = 2) => (typeof v === 'number' && v !== 0 ? v.toFixed(digits) : '—');

/** The daily water-control table of the restricted days, newest first. */
function WaterHistory({ records }: { records: RequirementRecord[] }) {
  const [all, setAll] = React.useState(false);
  const rows = records.filter((r) => r.is_water_restricted !== false).reverse();
  if (!rows.length) return <Typography variant="body2" sx={{ mt: 2 }}>Not under water restriction: no water history.</Typography>;
  const shown = all ? rows : rows.slice(0, 14);
  return (
    <Box sx={{ mt: 2 }}>
      <Typography variant="subtitle2">Water history (restricted days)</Typography>
      <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" data-testid="water-history">
        <TableHead>
          <TableRow>
            <TableCell>Date</TableCell>
            <TableCell align="right">Weight (g)</TableCell>
            <TableCell align="right">Expected (g)</TableCell>
            <TableCell align="right">Minimum (g)</TableCell>
            <TableCell align="right">Weight %</TableCell>
            <TableCell align="right">Water given (mL)</TableCell>
            <TableCell align="right">Water expected (mL)</TableCell>
            <TableCell align="right">Excess (mL)</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map((r) => (
            <TableRow key={r.date}>
              <TableCell>{r.date}</TableCell>
              <TableCell align="right">{typeof r.weighing_at === 'number' ? r.weighing_at.toFixed(2) : '—'}</TableCell>
              <TableCell align="right">{fmt(r.expected_weight)}</TableCell>
              <TableCell align="right">{fmt(r.min_weight)}</TableCell>
              <TableCell align="right">{fmt(r.percentage_weight, 1)}</TableCell>
              <TableCell align="right">{fmt(r.given_water_total)}</TableCell>
              <TableCell align="right">{fmt(r.expected_water)}</TableCell>
              <TableCell
                align="right"
                sx={{ color: typeof r.excess_water === 'number' && r.excess_water < 0 ? '#c62828' : undefined }}
              >
                {typeof r.excess_water === 'number' ? r.excess_water.toFixed(2) : '—'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      </Box>
      {rows.length > 14 ? (
        <Button size="small" onClick={() => setAll(!all)}>
          {all ? 'Last 14 days' : `All ${rows.length} days`}
        </Button>
      ) : null}
    </Box>
  );
}
