// The subject's weight curve: weighings, with the expected and minimum weight of the
// water-control rules when /water-requirement answers (spec-core §2.12, §4.2).
import * as React from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Alert, Box, CircularProgress, Typography } from '@mui/material';
import { api, fetchAll } from './api.ts';

interface Weighing {
  date_time: string;
  weight: number;
}
interface RequirementRecord {
  date: string;
  expected_weight: number;
  min_weight: number;
  is_water_restricted?: boolean;
}
interface Point {
  t: number;
  weight?: number;
  expected?: number;
  min?: number;
}

const dayMs = (iso: string) => Date.parse(`${iso.slice(0, 10)}T12:00:00Z`);
const tick = (t: number) => new Date(t).toISOString().slice(0, 10);
const round = (v: number) => Math.round(v * 100) / 100;

export interface CurveData {
  points: Point[];
  weighings: number;
  expected: 'ok' | 'unavailable' | 'none';
}

/** Merges weighings and daily expected weights into one series keyed by time. */
export function mergeSeries(weighings: Weighing[], records: RequirementRecord[] | null): Point[] {
  const points: Point[] = weighings
    .filter((w) => typeof w.weight === 'number' && w.date_time)
    .map((w) => ({ t: Date.parse(`${w.date_time.slice(0, 19)}Z`), weight: w.weight }));
  for (const r of records ?? []) {
    if (!r.expected_weight) continue;
    points.push({ t: dayMs(r.date), expected: round(r.expected_weight), min: r.min_weight ? round(r.min_weight) : undefined });
  }
  return points.sort((a, b) => a.t - b.t);
}

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
      if (live) setData({ points: mergeSeries(weighings, records), weighings: weighings.length, expected });
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
      <Box sx={{ width: '100%', height: 300 }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data.points} margin={{ top: 10, right: 30, bottom: 10, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={tick} />
            <YAxis unit=" g" width={64} domain={["auto", "auto"]} />
            <Tooltip labelFormatter={(t) => tick(Number(t))} />
            <Legend />
            <Line name="weight" dataKey="weight" stroke="#1565c0" strokeWidth={2} connectNulls isAnimationActive={false} />
            <Line name="expected" dataKey="expected" stroke="#2e7d32" strokeDasharray="6 3" dot={false} connectNulls isAnimationActive={false} />
            <Line name="minimum" dataKey="min" stroke="#c62828" strokeDasharray="2 3" dot={false} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </Box>
      {data.expected === 'unavailable' ? (
        <Typography variant="caption" color="text.secondary">
          Expected weight unavailable (no water-requirement data for this subject).
        </Typography>
      ) : null}
    </Box>
  );
}
